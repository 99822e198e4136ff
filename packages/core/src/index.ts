export * from "./account/Account.js"
export * from "./account/errors.js"
export * from "./schema/ids.js"
export * from "./schema/uuid7.js"
