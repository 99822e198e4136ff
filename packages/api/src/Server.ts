import { createServer } from "node:http"
import { HttpApiBuilder, HttpApiScalar, HttpServer, HttpServerResponse } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { CatalogChanges } from "@volley/engine/catalog/CatalogChanges"
import { VolleyConfig } from "@volley/engine/config/VolleyConfig"
import { ContactImport } from "@volley/engine/contacts/ContactImport"
import { WebhookSender } from "@volley/engine/webhook/WebhookSender"
import { Config, Effect, Layer } from "effect"
import { VolleyApi } from "./Api.js"
import { AccountLive, AccountsAdminLive } from "./accounts/AccountsHttp.js"
import { AdminUiLive } from "./admin/AdminUi.js"
import { BindEventsLive } from "./admin/BindEventsHttp.js"
import { BindsFeed } from "./admin/BindsFeed.js"
import { OperatorAccounts } from "./admin/OperatorAccounts.js"
import { OperatorSessions } from "./admin/OperatorSessions.js"
import { SessionLive } from "./admin/SessionHttp.js"
import { AdminToken } from "./auth/AdminToken.js"
import { OperatorAuthLive } from "./auth/OperatorAuthHttp.js"
import { SenderAuthLive } from "./auth/SenderAuthHttp.js"
import { SenderCredentials } from "./auth/SenderCredentials.js"
import { BlacklistLive } from "./blacklist/BlacklistHttp.js"
import { CampaignPreviewer } from "./campaigns/CampaignPreviewer.js"
import { CampaignsAdminLive } from "./campaigns/CampaignsAdminHttp.js"
import { CampaignsLive } from "./campaigns/CampaignsHttp.js"
import { BindsAdminLive } from "./catalog/BindsHttp.js"
import { CatalogState } from "./catalog/CatalogState.js"
import { OperatorsAdminLive } from "./catalog/OperatorsHttp.js"
import { RoutesAdminLive } from "./catalog/RoutesHttp.js"
import { ContactsLive } from "./contacts/ContactsHttp.js"
import { GroupsLive } from "./contacts/GroupsHttp.js"
import { ImportsLive } from "./contacts/ImportHttp.js"
import { HealthLive } from "./health/HealthHttp.js"
import { AccessLogMode, accessLog } from "./http/AccessLog.js"
import { withoutHttpSpans } from "./http/httpSpans.js"
import { MalformedBodyLive } from "./http/MalformedBody.js"
import { KeysAdminLive, KeysLive } from "./keys/KeysHttp.js"
import { Estimator } from "./messages/Estimator.js"
import { Idempotency } from "./messages/Idempotency.js"
import { MessagesAdminLive } from "./messages/MessagesAdminHttp.js"
import { MessagesLive } from "./messages/MessagesHttp.js"
import { SendLive } from "./messages/SendHttp.js"
import { Sending } from "./messages/Sending.js"
import { SenderIdsAdminLive, SenderIdsLive } from "./senderids/SenderIdsHttp.js"
import { WebhooksLive } from "./webhooks/WebhooksHttp.js"

/**
 * Every group's handlers and both authentications (the operators' also takes an admin UI session).
 * Needs the repositories, the rate limiter, the admin token and the engine's send path (SendService,
 * RoutingCatalog, MessagesRepo): the platform provides them from configuration, tests from their own
 * services. The admin UI's operator accounts come from VOLLEY_OPERATORS.
 */
export const ApiLive = HttpApiBuilder.api(VolleyApi).pipe(
  Layer.provide([
    HealthLive,
    AccountLive,
    AccountsAdminLive,
    KeysLive,
    KeysAdminLive,
    SenderIdsLive,
    SenderIdsAdminLive,
    BlacklistLive,
    SendLive,
    MessagesLive,
    WebhooksLive.pipe(Layer.provide(WebhookSender.Default)),
    GroupsLive,
    ContactsLive,
    ImportsLive.pipe(Layer.provide(ContactImport.Default)),
    CampaignsLive.pipe(Layer.provide(CampaignPreviewer.Default)),
    OperatorsAdminLive,
    BindsAdminLive,
    RoutesAdminLive,
    CampaignsAdminLive,
    MessagesAdminLive,
    SessionLive,
    BindEventsLive,
    MalformedBodyLive
  ]),
  Layer.provide([
    SenderAuthLive.pipe(Layer.provide(SenderCredentials.Default)),
    SenderCredentials.Default,
    OperatorAuthLive,
    Sending.Default,
    Idempotency.Default,
    Estimator.Default,
    CatalogChanges.Default,
    CatalogState.Default,
    BindsFeed.Default
  ]),
  // Operators of the admin UI: accounts from VOLLEY_OPERATORS; sessions (in PostgreSQL) shared by sign-in,
  // OperatorAuth and the live bind stream.
  Layer.provide([
    OperatorSessions.Default.pipe(Layer.provide(OperatorAccounts.fromConfig)),
    OperatorAccounts.fromConfig
  ])
)

/** `/` says what this is and where to go next. */
const Root = HttpApiBuilder.Router.use((router) =>
  router.get(
    "/",
    HttpServerResponse.json({
      name: "Volley",
      description: "Actor-based, high-throughput SMS messaging engine",
      health: "/health",
      openapi: "/openapi.json",
      docs: "/docs",
      admin: "/admin/"
    })
  )
)

/** The HTTP routes: the API, its OpenAPI document and a docs page, all from the one HttpApi contract. */
export const HttpRoutes = Layer.mergeAll(
  Root,
  HttpApiBuilder.middlewareOpenApi({ path: "/openapi.json" }),
  HttpApiScalar.layer({ path: "/docs" }),
  AdminUiLive
).pipe(Layer.provideMerge(ApiLive))

/** The API server on HOST:PORT, logging the address it listens on and requests as VOLLEY_ACCESS_LOG says. */
export const HttpServerLive = Layer.unwrapEffect(
  Effect.map(Config.all([VolleyConfig, AccessLogMode]), ([config, accessLogMode]) =>
    HttpApiBuilder.serve(accessLog(accessLogMode)).pipe(
      withoutHttpSpans,
      Layer.provide(HttpRoutes),
      Layer.provide(AdminToken.fromConfig),
      HttpServer.withLogAddress,
      Layer.provide(NodeHttpServer.layer(createServer, { port: config.port, host: config.host }))
    )
  )
)
