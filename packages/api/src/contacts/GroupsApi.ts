import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import {
  Contact,
  ContactAlreadyInGroup,
  ContactNotFound,
  GroupId,
  GroupNameTaken,
  GroupNotFound,
  GroupSummary,
  InvalidGroupName,
  InvalidPhoneNumber,
  MAX_GROUP_NAME_LENGTH
} from "@volley/core"
import { Schema } from "effect"
import { SenderAuth } from "../auth/AuthApi.js"
import { Page, PageLimit, QueryInt } from "../http/Page.js"
import { withMessage } from "../http/withMessage.js"

export class GroupRequest extends Schema.Class<GroupRequest>("GroupRequest")({
  name: Schema.String.pipe(Schema.maxLength(1_000)).annotations({
    description: `1–${MAX_GROUP_NAME_LENGTH} characters after trimming; unique within the account`
  })
}) {}

const MAX_FIELDS = 50

export class ContactRequest extends Schema.Class<ContactRequest>("ContactRequest")({
  number: Schema.String.pipe(Schema.maxLength(64)).annotations({
    description: "In international form: +380671234567, 00380671234567 or 380671234567"
  }),
  name: Schema.optional(Schema.String.pipe(Schema.maxLength(200))),
  fields: Schema.optional(
    Schema.Record({
      key: Schema.String.pipe(Schema.maxLength(100)),
      value: Schema.String.pipe(Schema.maxLength(1_000))
    })
      .pipe(Schema.filter((r) => Object.keys(r).length <= MAX_FIELDS || `at most ${MAX_FIELDS} fields`))
      .annotations({ description: 'Custom fields for campaign templates, e.g. {"city": "Kyiv"}' })
  )
}) {}

const GroupPath = Schema.Struct({ groupId: GroupId })
const ContactPath = Schema.Struct({ groupId: GroupId, contactId: QueryInt("The contact's id") })

export const GroupsPage = Page(GroupSummary).annotations({ identifier: "GroupsPage" })
export const ContactsPage = Page(Contact).annotations({ identifier: "ContactsPage" })

const NotFound = withMessage(GroupNotFound)

/** Recipient groups ("number databases"), listed in name order with their contact counts. */
export class GroupsApi extends HttpApiGroup.make("groups")
  .add(
    HttpApiEndpoint.post("create", "/v1/groups")
      .setPayload(GroupRequest)
      .addSuccess(GroupSummary, { status: 201 })
      .addError(withMessage(InvalidGroupName), { status: 400 })
      .addError(withMessage(GroupNameTaken), { status: 409 })
  )
  .add(
    HttpApiEndpoint.get("list", "/v1/groups")
      .setUrlParams(
        Schema.Struct({
          limit: Schema.optional(PageLimit),
          cursor: Schema.optional(Schema.String.annotations({ description: "`nextCursor` of the last page" }))
        })
      )
      .addSuccess(GroupsPage)
  )
  .add(
    HttpApiEndpoint.get("get", "/v1/groups/:groupId")
      .setPath(GroupPath)
      .addSuccess(GroupSummary)
      .addError(NotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.patch("rename", "/v1/groups/:groupId")
      .setPath(GroupPath)
      .setPayload(GroupRequest)
      .addSuccess(GroupSummary)
      .addError(withMessage(InvalidGroupName), { status: 400 })
      .addError(NotFound, { status: 404 })
      .addError(withMessage(GroupNameTaken), { status: 409 })
  )
  .add(
    HttpApiEndpoint.del("delete", "/v1/groups/:groupId")
      .setPath(GroupPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(NotFound, { status: 404 })
  )
  .middleware(SenderAuth)
  .annotate(OpenApi.Title, "Groups")
  .annotate(OpenApi.Description, "Recipient groups for campaigns; deleting one deletes its contacts") {}

/** The contacts of a group, one at a time; uploads are `POST /v1/groups/:groupId/imports`. */
export class ContactsApi extends HttpApiGroup.make("contacts")
  .add(
    HttpApiEndpoint.post("add", "/v1/groups/:groupId/contacts")
      .setPath(GroupPath)
      .setPayload(ContactRequest)
      .addSuccess(Contact, { status: 201 })
      .addError(withMessage(InvalidPhoneNumber), { status: 400 })
      .addError(NotFound, { status: 404 })
      .addError(withMessage(ContactAlreadyInGroup), { status: 409 })
  )
  .add(
    HttpApiEndpoint.get("list", "/v1/groups/:groupId/contacts")
      .setPath(GroupPath)
      .setUrlParams(
        Schema.Struct({
          limit: Schema.optional(PageLimit),
          cursor: Schema.optional(QueryInt("`nextCursor`"))
        })
      )
      .addSuccess(ContactsPage)
      .addError(NotFound, { status: 404 })
  )
  .add(
    HttpApiEndpoint.del("remove", "/v1/groups/:groupId/contacts/:contactId")
      .setPath(ContactPath)
      .addSuccess(HttpApiSchema.NoContent)
      .addError(NotFound, { status: 404 })
      .addError(withMessage(ContactNotFound), { status: 404 })
  )
  .middleware(SenderAuth)
  .annotate(OpenApi.Title, "Contacts")
  .annotate(
    OpenApi.Description,
    "A group's recipients: numbers in E.164, unique per group, with names and fields"
  ) {}
