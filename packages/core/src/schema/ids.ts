import { Schema } from "effect"

/** Identifiers are branded so an account id can never be passed where a message id is expected. */
export const AccountId = Schema.UUID.pipe(Schema.brand("AccountId"))
export type AccountId = typeof AccountId.Type
export const ApiKeyId = Schema.UUID.pipe(Schema.brand("ApiKeyId"))
export type ApiKeyId = typeof ApiKeyId.Type
export const MessageId = Schema.UUID.pipe(Schema.brand("MessageId"))
export type MessageId = typeof MessageId.Type
export const CampaignId = Schema.UUID.pipe(Schema.brand("CampaignId"))
export type CampaignId = typeof CampaignId.Type
export const GroupId = Schema.UUID.pipe(Schema.brand("GroupId"))
export type GroupId = typeof GroupId.Type
export const SenderIdRequestId = Schema.UUID.pipe(Schema.brand("SenderIdRequestId"))
export type SenderIdRequestId = typeof SenderIdRequestId.Type

const Slug = Schema.String.pipe(Schema.pattern(/^[a-z0-9][a-z0-9_-]{0,62}$/))
export const OperatorId = Slug.pipe(Schema.brand("OperatorId"))
export type OperatorId = typeof OperatorId.Type
export const BindId = Slug.pipe(Schema.brand("BindId"))
export type BindId = typeof BindId.Type
