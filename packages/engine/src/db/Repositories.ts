import { Layer } from "effect"
import { AccountsRepo } from "../account/AccountsRepo.js"
import { Ledger } from "../account/Ledger.js"
import { TestModeQuota } from "../account/TestModeQuota.js"
import { ApiKeysRepo } from "../apikey/ApiKeysRepo.js"
import { BlacklistRepo } from "../blacklist/BlacklistRepo.js"
import { CampaignAudience } from "../campaign/CampaignAudience.js"
import { CampaignControl } from "../campaign/CampaignControl.js"
import { CampaignReports } from "../campaign/CampaignReports.js"
import { CampaignsRepo } from "../campaign/CampaignsRepo.js"
import { CatalogRepo } from "../catalog/CatalogRepo.js"
import { RouteBacklog } from "../catalog/RouteBacklog.js"
import { ContactsRepo } from "../contacts/ContactsRepo.js"
import { GroupsRepo } from "../contacts/GroupsRepo.js"
import { IdempotencyKeysRepo } from "../idempotency/IdempotencyKeysRepo.js"
import { SenderIdsRepo } from "../sender/SenderIdsRepo.js"
import { WebhooksRepo } from "../webhook/WebhooksRepo.js"

/** Every storage repository; needs only a `SqlClient` (DatabaseLive, or a test database). */
export const RepositoriesLive = Layer.mergeAll(
  AccountsRepo.Default,
  Ledger.Default,
  ApiKeysRepo.Default,
  SenderIdsRepo.Default,
  GroupsRepo.Default,
  ContactsRepo.Default,
  BlacklistRepo.Default,
  CampaignsRepo.Default,
  CampaignControl.Default,
  CampaignReports.Default,
  CampaignAudience.Default,
  CatalogRepo.Default,
  RouteBacklog.Default,
  IdempotencyKeysRepo.Default,
  TestModeQuota.Default,
  WebhooksRepo.Default
)
