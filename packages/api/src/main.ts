import { NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
import { Platform } from "./Platform.js"

Layer.launch(Platform).pipe(NodeRuntime.runMain)
