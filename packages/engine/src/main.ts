import { NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
import { ActorsLive, InfrastructureLive, StorageLive, TracingOff } from "./Engine.js"

/**
 * The engine alone (no HTTP): bind actors, correlator and sweepers on the configured services. Used to run
 * engine workers as separate processes, and by the crash-recovery tests (SIGKILL / SIGTERM).
 */
Layer.launch(
  ActorsLive.pipe(
    Layer.provideMerge(StorageLive),
    Layer.provideMerge(InfrastructureLive),
    Layer.provide(TracingOff)
  )
).pipe(NodeRuntime.runMain)
