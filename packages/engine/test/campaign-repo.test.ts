import { expect, layer } from "@effect/vitest"
import type { GroupId } from "@volley/core"
import { SendWindow } from "@volley/core/campaign/Campaign"
import { Effect, Layer } from "effect"
import { AccountsRepo } from "../src/account/AccountsRepo.js"
import { CampaignControl } from "../src/campaign/CampaignControl.js"
import { CampaignsRepo, type NewCampaign } from "../src/campaign/CampaignsRepo.js"
import { GroupsRepo } from "../src/contacts/GroupsRepo.js"
import { TestDatabase } from "./support/TestDatabase.js"

const Repos = Layer.mergeAll(
  AccountsRepo.Default,
  GroupsRepo.Default,
  CampaignsRepo.Default,
  CampaignControl.Default
).pipe(Layer.provideMerge(TestDatabase))

const setup = (name: string) =>
  Effect.gen(function* () {
    const account = yield* (yield* AccountsRepo).create({ name })
    const group = yield* (yield* GroupsRepo).create(account.id, "Customers")
    const base: NewCampaign = { name: "Sale", sender: "Volley", body: "Hi {name}", groupIds: [group.id] }
    return { account, group, base }
  })

layer(Repos)("campaigns repository", (it) => {
  it.effect("the engine refuses settings the API schema would have refused first", () =>
    Effect.gen(function* () {
      const campaigns = yield* CampaignsRepo
      const { account, group, base } = yield* setup("Repo rules")
      const refused = (input: Partial<NewCampaign>) =>
        Effect.flip(campaigns.create(account.id, { ...base, ...input }))
      expect(yield* refused({ name: "  " })).toMatchObject({ _tag: "InvalidCampaign", reason: "EMPTY_NAME" })
      expect(yield* refused({ body: "" })).toMatchObject({ reason: "EMPTY_TEXT" })
      expect(yield* refused({ groupIds: [] })).toMatchObject({ reason: "NO_GROUPS" })
      expect(yield* refused({ groupIds: Array.from({ length: 21 }, () => group.id) })).toMatchObject({
        reason: "TOO_MANY_GROUPS"
      })
      expect(yield* refused({ groupIds: [group.id, group.id] })).toMatchObject({
        reason: "DUPLICATE_GROUP",
        value: group.id
      })
      expect(yield* refused({ rateCap: 0 })).toMatchObject({ reason: "INVALID_RATE_CAP" })
      expect(yield* refused({ validitySeconds: 8 * 86_400 })).toMatchObject({ reason: "INVALID_VALIDITY" })
      expect(yield* refused({ body: "Hi {name" })).toMatchObject({
        _tag: "InvalidTemplate",
        placeholder: "name"
      })
      const ghost = "0190a0a0-0000-7000-8000-0000000000aa" as GroupId
      expect(yield* refused({ groupIds: [group.id, ghost] })).toMatchObject({
        _tag: "GroupNotFound",
        groupId: ghost
      })
      expect((yield* refused({ rateCap: 0 })).message).toBe(
        "A campaign needs a rate cap of at least 1 message per second (0)"
      )
    })
  )

  it.effect("a draft round-trips, windows as HH:MM; another account's campaign is not found", () =>
    Effect.gen(function* () {
      const campaigns = yield* CampaignsRepo
      const { account, base } = yield* setup("Repo round trip")
      const other = yield* setup("Repo stranger")
      const created = yield* campaigns.create(account.id, {
        ...base,
        sendWindow: new SendWindow({ start: "21:30", end: "06:00" }),
        startAt: new Date("2030-05-01T10:00:00Z"),
        rateCap: 5,
        validitySeconds: 600,
        onMissingField: "empty"
      })
      const read = yield* campaigns.get(account.id, created.id)
      expect(read).toEqual(created)
      expect(read.sendWindow).toEqual(new SendWindow({ start: "21:30", end: "06:00" }))
      expect(read.startAt?.toISOString()).toBe("2030-05-01T10:00:00.000Z")
      expect(yield* Effect.flip(campaigns.get(other.account.id, created.id))).toMatchObject({
        _tag: "CampaignNotFound"
      })
      const control = yield* CampaignControl
      expect(yield* Effect.flip(control.start(other.account.id, created.id))).toMatchObject({
        _tag: "CampaignNotFound"
      })
      expect((yield* control.start(account.id, created.id)).status).toBe("scheduled")
    })
  )
})
