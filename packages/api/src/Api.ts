import { HttpApi, OpenApi } from "@effect/platform"
import { AccountApi, AccountsAdminApi } from "./accounts/AccountsApi.js"
import { BindEventsApi } from "./admin/BindEventsApi.js"
import { SessionApi } from "./admin/SessionApi.js"
import { BlacklistApi } from "./blacklist/BlacklistApi.js"
import { CampaignsAdminApi } from "./campaigns/CampaignsAdminApi.js"
import { CampaignsApi } from "./campaigns/CampaignsApi.js"
import { BindsAdminApi } from "./catalog/BindsApi.js"
import { OperatorsAdminApi } from "./catalog/OperatorsApi.js"
import { RoutesAdminApi } from "./catalog/RoutesApi.js"
import { ContactsApi, GroupsApi } from "./contacts/GroupsApi.js"
import { ImportsApi } from "./contacts/ImportsApi.js"
import { HealthApi } from "./health/HealthApi.js"
import { KeysAdminApi, KeysApi } from "./keys/KeysApi.js"
import { MessagesAdminApi } from "./messages/MessagesAdminApi.js"
import { MessagesApi } from "./messages/MessagesApi.js"
import { SendApi } from "./messages/SendApi.js"
import { SenderIdsAdminApi, SenderIdsApi } from "./senderids/SenderIdsApi.js"
import { WebhooksApi } from "./webhooks/WebhooksApi.js"

/**
 * The HTTP contract: pure data, shared by the server, its OpenAPI document and typed clients. Sender
 * endpoints live under `/v1` (API key), operator endpoints under `/v1/admin` (admin token).
 */
export class VolleyApi extends HttpApi.make("volley")
  .add(HealthApi)
  .add(AccountApi)
  .add(KeysApi)
  .add(SenderIdsApi)
  .add(BlacklistApi)
  .add(SendApi)
  .add(MessagesApi)
  .add(WebhooksApi)
  .add(GroupsApi)
  .add(ContactsApi)
  .add(ImportsApi)
  .add(CampaignsApi)
  .add(AccountsAdminApi)
  .add(KeysAdminApi)
  .add(SenderIdsAdminApi)
  .add(OperatorsAdminApi)
  .add(BindsAdminApi)
  .add(RoutesAdminApi)
  .add(CampaignsAdminApi)
  .add(MessagesAdminApi)
  .add(SessionApi)
  .add(BindEventsApi)
  .annotate(OpenApi.Title, "Volley SMS API")
  .annotate(OpenApi.Version, "0.1.0")
  .annotate(
    OpenApi.Description,
    "Send single messages, batches and campaigns; read their delivery status. Operators manage routes and binds."
  ) {}
