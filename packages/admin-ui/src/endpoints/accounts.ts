import { request } from "../api"
import { type Page, query, segment } from "./query"

export type AccountMode = "test" | "active" | "suspended"

/** AccountView. */
export interface Account {
  readonly id: string
  readonly name: string
  readonly mode: AccountMode
  readonly balanceMinor: number
  readonly currency: string
  readonly maxParts: number
  readonly timeZone: string
  readonly createdAt: string
  readonly activatedAt: string | null
  readonly testMode: { readonly dailyCap: number; readonly senderId: string } | null
}

export interface TopUpResult {
  readonly accountId: string
  readonly amountMinor: number
  readonly balanceMinor: number
}

/** SenderIdRequest: a sender ID an account asked for and where its approval stands. */
export interface SenderIdRequest {
  readonly id: string
  readonly accountId: string
  readonly value: string
  readonly kind: "alpha" | "numeric" | "shortcode"
  readonly status: "pending" | "approved" | "rejected"
  readonly decisionNote: string | null
  readonly createdAt: string
  readonly decidedAt: string | null
}

const base = "/v1/admin/accounts"

export const accountsApi = {
  list: (cursor?: string) => request<Page<Account>>("GET", `${base}${query({ cursor, limit: 100 })}`),
  activate: (id: string) => request<Account>("POST", `${base}/${segment(id)}/activate`),
  suspend: (id: string) => request<Account>("POST", `${base}/${segment(id)}/suspend`),
  topUp: (id: string, amountMinor: number, reference: string) =>
    request<TopUpResult>("POST", `${base}/${segment(id)}/topups`, {
      amountMinor,
      ...(reference === "" ? {} : { reference })
    }),
  pendingSenderIds: () => request<ReadonlyArray<SenderIdRequest>>("GET", "/v1/admin/sender-ids/pending"),
  decideSenderId: (id: string, decision: "approve" | "reject", note: string) =>
    request<SenderIdRequest>(
      "POST",
      `/v1/admin/sender-ids/${segment(id)}/${decision}`,
      note === "" ? {} : { note }
    )
}

/** Every page of accounts: an operator's list is short enough to read whole. */
export const allAccounts = async (): Promise<ReadonlyArray<Account>> => {
  const accounts: Array<Account> = []
  let page: Page<Account> = await accountsApi.list()
  accounts.push(...page.items)
  while (page.nextCursor !== null) {
    page = await accountsApi.list(page.nextCursor)
    accounts.push(...page.items)
  }
  return accounts
}
