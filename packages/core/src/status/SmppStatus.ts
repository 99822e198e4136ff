/**
 * SMPP v3.4 command_status codes (spec §5.1.3) and how a submit_sm_resp / generic_nack with each is handled.
 * ok: accepted; throttle: slow the bind and retry; transient: retry (bounded by the caller);
 * permanent: the message is refused; session: the bind itself is refused (credentials / system type),
 * the message is refused too and the bind should be looked at.
 */
export type SmppStatusClass = "ok" | "throttle" | "transient" | "permanent" | "session"

export interface SmppStatusInfo {
  readonly code: number
  readonly name: string
  readonly description: string
  readonly class: SmppStatusClass
}

const row = (code: number, name: string, cls: SmppStatusClass, description: string): SmppStatusInfo => ({
  code,
  name,
  description,
  class: cls
})

const ROWS: ReadonlyArray<SmppStatusInfo> = [
  row(0x00, "ESME_ROK", "ok", "No error"),
  row(0x01, "ESME_RINVMSGLEN", "permanent", "Message length is invalid"),
  row(0x02, "ESME_RINVCMDLEN", "permanent", "Command length is invalid"),
  row(0x03, "ESME_RINVCMDID", "permanent", "Invalid command ID"),
  // The session was not (yet / any more) bound for transmitting: a rebind fixes it, the message is fine.
  row(0x04, "ESME_RINVBNDSTS", "transient", "Incorrect bind status for given command"),
  row(0x05, "ESME_RALYBND", "transient", "ESME already in bound state"),
  row(0x06, "ESME_RINVPRTFLG", "permanent", "Invalid priority flag"),
  row(0x07, "ESME_RINVREGDLVFLG", "permanent", "Invalid registered delivery flag"),
  row(0x08, "ESME_RSYSERR", "transient", "System error"),
  row(0x0a, "ESME_RINVSRCADR", "permanent", "Invalid source address"),
  row(0x0b, "ESME_RINVDSTADR", "permanent", "Invalid destination address"),
  row(0x0c, "ESME_RINVMSGID", "permanent", "Message ID is invalid"),
  row(0x0d, "ESME_RBINDFAIL", "session", "Bind failed"),
  row(0x0e, "ESME_RINVPASWD", "session", "Invalid password"),
  row(0x0f, "ESME_RINVSYSID", "session", "Invalid system ID"),
  row(0x11, "ESME_RCANCELFAIL", "permanent", "cancel_sm failed"),
  row(0x13, "ESME_RREPLACEFAIL", "permanent", "replace_sm failed"),
  row(0x14, "ESME_RMSGQFUL", "throttle", "Message queue full"),
  row(0x15, "ESME_RINVSERTYP", "permanent", "Invalid service type"),
  row(0x33, "ESME_RINVNUMDESTS", "permanent", "Invalid number of destinations"),
  row(0x34, "ESME_RINVDLNAME", "permanent", "Invalid distribution list name"),
  row(0x40, "ESME_RINVDESTFLAG", "permanent", "Destination flag is invalid"),
  row(0x42, "ESME_RINVSUBREP", "permanent", "Invalid submit-with-replace request"),
  row(0x43, "ESME_RINVESMCLASS", "permanent", "Invalid esm_class field data"),
  row(0x44, "ESME_RCNTSUBDL", "permanent", "Cannot submit to distribution list"),
  row(0x45, "ESME_RSUBMITFAIL", "transient", "submit_sm or submit_multi failed"),
  row(0x48, "ESME_RINVSRCTON", "permanent", "Invalid source address TON"),
  row(0x49, "ESME_RINVSRCNPI", "permanent", "Invalid source address NPI"),
  row(0x50, "ESME_RINVDSTTON", "permanent", "Invalid destination address TON"),
  row(0x51, "ESME_RINVDSTNPI", "permanent", "Invalid destination address NPI"),
  row(0x53, "ESME_RINVSYSTYP", "session", "Invalid system_type field"),
  row(0x54, "ESME_RINVREPFLAG", "permanent", "Invalid replace_if_present flag"),
  row(0x55, "ESME_RINVNUMMSGS", "permanent", "Invalid number of messages"),
  row(0x58, "ESME_RTHROTTLED", "throttle", "Throttling error: ESME exceeded allowed message limits"),
  row(0x61, "ESME_RINVSCHED", "permanent", "Invalid scheduled delivery time"),
  row(0x62, "ESME_RINVEXPIRY", "permanent", "Invalid message validity period"),
  row(0x63, "ESME_RINVDFTMSGID", "permanent", "Predefined message invalid or not found"),
  row(0x64, "ESME_RX_T_APPN", "transient", "ESME receiver temporary application error"),
  row(0x65, "ESME_RX_P_APPN", "permanent", "ESME receiver permanent application error"),
  row(0x66, "ESME_RX_R_APPN", "permanent", "ESME receiver reject message error"),
  row(0x67, "ESME_RQUERYFAIL", "permanent", "query_sm request failed"),
  row(0xc0, "ESME_RINVOPTPARSTREAM", "permanent", "Error in the optional part of the PDU body"),
  row(0xc1, "ESME_ROPTPARNOTALLWD", "permanent", "Optional parameter not allowed"),
  row(0xc2, "ESME_RINVPARLEN", "permanent", "Invalid parameter length"),
  row(0xc3, "ESME_RMISSINGOPTPARAM", "permanent", "Expected optional parameter missing"),
  row(0xc4, "ESME_RINVOPTPARAMVAL", "permanent", "Invalid optional parameter value"),
  // data_sm transaction mode: the SMSC could not deliver to the handset now; worth a bounded retry.
  row(0xfe, "ESME_RDELIVERYFAILURE", "transient", "Delivery failure"),
  // An SMSC that does not know what went wrong: treated like an unknown code, a bounded retry.
  row(0xff, "ESME_RUNKNOWNERR", "transient", "Unknown error")
]

export const SMPP_STATUSES: ReadonlyMap<number, SmppStatusInfo> = new Map(ROWS.map((r) => [r.code, r]))

const hex8 = (code: number): string => `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, "0")}`

/** 0x400–0x4FF are reserved for SMSC vendor-specific errors. */
export const isVendorSpecific = (code: number): boolean => code >= 0x400 && code <= 0x4ff

/** The spec name of a command_status, or `VENDOR_0x00000401` / `UNKNOWN_0x000000AB` for codes outside it. */
export const smppStatusName = (code: number): string =>
  SMPP_STATUSES.get(code)?.name ?? `${isVendorSpecific(code) ? "VENDOR" : "UNKNOWN"}_${hex8(code)}`
