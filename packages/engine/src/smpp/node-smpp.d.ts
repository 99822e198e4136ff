/**
 * Types for `smpp` 0.5.1 (node-smpp), which ships none. Only what Volley uses, read from
 * node_modules/smpp/lib/{smpp,pdu,defs}.js. Import it as a default import (`import smpp from "smpp"`): the
 * package is CommonJS and most of its exports are copied in a loop, which ESM named imports cannot see.
 *
 * Decoded PDU fields are typed where node-smpp's decoding is certain and left `unknown` elsewhere.
 */
declare module "smpp" {
  import type { EventEmitter } from "node:events"
  import type { Server as NetServer, ServerOpts, Socket } from "node:net"

  namespace smpp {
    /** Commands node-smpp knows (defs.commands); any other command id decodes as "unknown". */
    type CommandName =
      | "alert_notification"
      | "bind_receiver"
      | "bind_receiver_resp"
      | "bind_transmitter"
      | "bind_transmitter_resp"
      | "bind_transceiver"
      | "bind_transceiver_resp"
      | "broadcast_sm"
      | "broadcast_sm_resp"
      | "cancel_broadcast_sm"
      | "cancel_broadcast_sm_resp"
      | "cancel_sm"
      | "cancel_sm_resp"
      | "data_sm"
      | "data_sm_resp"
      | "deliver_sm"
      | "deliver_sm_resp"
      | "enquire_link"
      | "enquire_link_resp"
      | "generic_nack"
      | "outbind"
      | "query_broadcast_sm"
      | "query_broadcast_sm_resp"
      | "query_sm"
      | "query_sm_resp"
      | "replace_sm"
      | "replace_sm_resp"
      | "submit_multi"
      | "submit_multi_resp"
      | "submit_sm"
      | "submit_sm_resp"
      | "unbind"
      | "unbind_resp"

    /**
     * short_message / message_payload after decoding: a Buffer when data_coding has no decoder in
     * node-smpp (e.g. 4, binary), otherwise `{ message }` decoded with node-smpp's own tables (its GSM
     * decoding is lossy) and `udh` split into information elements when esm_class has UDHI.
     */
    type DecodedMessage = Buffer | { message: string | Buffer; udh?: Array<Buffer> | undefined }

    /**
     * What `message` accepts when encoding: bytes are sent as they are (the fast and correct way, with
     * data_coding set explicitly); a string is encoded by node-smpp's detection (slow, mislabelled).
     */
    type MessageInput = Buffer | string | { message: string | Buffer; udh?: Buffer | undefined }

    /** Fields a PDU can be built with: header values, the command's parameters and TLVs by name. */
    interface PduOptions {
      command_status?: number | undefined
      sequence_number?: number | undefined
      system_id?: string | undefined
      password?: string | undefined
      system_type?: string | undefined
      interface_version?: number | undefined
      addr_ton?: number | undefined
      addr_npi?: number | undefined
      address_range?: string | undefined
      service_type?: string | undefined
      source_addr_ton?: number | undefined
      source_addr_npi?: number | undefined
      source_addr?: string | undefined
      dest_addr_ton?: number | undefined
      dest_addr_npi?: number | undefined
      destination_addr?: string | undefined
      esm_class?: number | undefined
      protocol_id?: number | undefined
      priority_flag?: number | undefined
      schedule_delivery_time?: string | Date | undefined
      validity_period?: string | Date | undefined
      registered_delivery?: number | undefined
      replace_if_present_flag?: number | undefined
      /** null (the default) asks node-smpp to detect the encoding of a string message. */
      data_coding?: number | null | undefined
      sm_default_msg_id?: number | undefined
      short_message?: MessageInput | undefined
      message_id?: string | undefined
      // TLVs used by Volley
      receipted_message_id?: string | undefined
      message_state?: number | undefined
      message_payload?: MessageInput | undefined
      network_error_code?: Buffer | undefined
      sar_msg_ref_num?: number | undefined
      sar_total_segments?: number | undefined
      sar_segment_seqnum?: number | undefined
    }

    class PDU {
      /** Builds a PDU to send. A non-zero command_status makes a header-only PDU (no body). */
      constructor(command: CommandName, options?: PduOptions)
      /** Decodes a whole PDU; throws on a buffer shorter than its header. */
      constructor(buffer: Buffer)

      /** "unknown" when node-smpp does not know the command id. */
      command: CommandName | "unknown"
      command_id: number
      command_length: number
      command_status: number
      sequence_number: number

      // Mandatory parameters (present after decoding when the command has them)
      system_id?: string
      password?: string
      system_type?: string
      interface_version?: number
      service_type?: string
      source_addr_ton?: number
      source_addr_npi?: number
      source_addr?: string
      dest_addr_ton?: number
      dest_addr_npi?: number
      destination_addr?: string
      esm_class?: number
      protocol_id?: number
      priority_flag?: number
      registered_delivery?: number
      data_coding?: number | null
      short_message?: DecodedMessage
      message_id?: string
      // TLVs (present only when the peer sent them)
      receipted_message_id?: string
      message_state?: number
      message_payload?: DecodedMessage
      network_error_code?: Buffer
      sar_msg_ref_num?: number
      sar_total_segments?: number
      sar_segment_seqnum?: number;
      /** Any other parameter or TLV; unknown TLVs appear under their numeric tag as raw Buffers. */
      [field: string]: unknown

      isResponse(): boolean
      /** The matching *_resp (or generic_nack for an unknown command) with this PDU's sequence number. */
      response(options?: PduOptions): PDU
      toBuffer(): Buffer

      /** 16,384: a longer command_length makes the reading session throw (and wedge). */
      static maxLength: number
      static fromBuffer(buffer: Buffer): PDU | false
    }

    type ResponseCallback = (pdu: PDU) => void
    type SendCallback = (pdu: PDU) => void

    /** A request shortcut: builds the PDU, numbers it and sends it; false when the socket is not writable. */
    interface CommandShortcut {
      (options?: PduOptions, responseCallback?: ResponseCallback, sendCallback?: SendCallback): boolean
      (responseCallback: ResponseCallback, sendCallback?: SendCallback): boolean
    }

    interface SessionOptions {
      socket?: Socket | undefined
      host?: string | undefined
      port?: number | undefined
      tls?: boolean | undefined
      auto_enquire_link_period?: number | undefined
    }

    class Session extends EventEmitter {
      constructor(options: SessionOptions)
      readonly socket: Socket
      /** The last sequence number assigned (wraps at 0x7FFFFFFF). */
      sequence: number
      paused: boolean
      /** Set on sessions a Server accepted. */
      server?: Server

      /**
       * Writes the PDU, numbering requests that have no sequence number yet. The response callback is kept
       * until a response with that sequence number arrives — forever otherwise. Ignores back-pressure.
       */
      send(pdu: PDU, responseCallback?: ResponseCallback, sendCallback?: SendCallback): boolean
      /** Stops emitting PDUs (bytes keep arriving into the socket's buffer). */
      pause(): void
      resume(): void
      /** Ends the socket gracefully (FIN after pending writes). */
      close(callback?: () => void): void
      destroy(callback?: () => void): void

      on(event: "pdu" | CommandName | "unknown" | "send", listener: (pdu: PDU) => void): this
      on(event: "error", listener: (error: Error) => void): this
      on(event: "connect" | "secureConnect" | "close", listener: () => void): this
      once(event: "pdu" | CommandName | "unknown" | "send", listener: (pdu: PDU) => void): this
      once(event: "error", listener: (error: Error) => void): this
      once(event: "connect" | "secureConnect" | "close", listener: () => void): this

      bind_transceiver: CommandShortcut
      bind_transmitter: CommandShortcut
      bind_receiver: CommandShortcut
      submit_sm: CommandShortcut
      deliver_sm: CommandShortcut
      data_sm: CommandShortcut
      query_sm: CommandShortcut
      enquire_link: CommandShortcut
      unbind: CommandShortcut
      generic_nack: CommandShortcut
    }

    interface ServerOptions extends ServerOpts {
      /** With both key and cert the server speaks TLS (ssmpp). */
      key?: unknown
      cert?: unknown
    }

    class Server extends NetServer {
      readonly sessions: Array<Session>
      on(event: "session", listener: (session: Session) => void): this
      on(event: "error", listener: (error: Error) => void): this
      on(event: "listening" | "close", listener: () => void): this
    }

    /** Status codes by name (defs.errors); also exported one by one at the top level. */
    interface Errors {
      readonly ESME_ROK: 0x00
      readonly ESME_RINVMSGLEN: 0x01
      readonly ESME_RINVCMDLEN: 0x02
      readonly ESME_RINVCMDID: 0x03
      readonly ESME_RINVBNDSTS: 0x04
      readonly ESME_RALYBND: 0x05
      readonly ESME_RSYSERR: 0x08
      readonly ESME_RINVSRCADR: 0x0a
      readonly ESME_RINVDSTADR: 0x0b
      readonly ESME_RINVMSGID: 0x0c
      readonly ESME_RBINDFAIL: 0x0d
      readonly ESME_RINVPASWD: 0x0e
      readonly ESME_RINVSYSID: 0x0f
      readonly ESME_RMSGQFUL: 0x14
      readonly ESME_RINVESMCLASS: 0x43
      readonly ESME_RSUBMITFAIL: 0x45
      readonly ESME_RTHROTTLED: 0x58
      readonly ESME_RINVEXPIRY: 0x62
      readonly ESME_RX_T_APPN: 0x64
      readonly ESME_RX_P_APPN: 0x65
      readonly ESME_RX_R_APPN: 0x66
      readonly ESME_RDELIVERYFAILURE: 0xfe
      readonly ESME_RUNKNOWNERR: 0xff
      readonly ESME_RINVDCS: 0x104
      readonly [name: string]: number
    }

    interface TextEncoding {
      match(value: string): boolean
      encode(value: string): Buffer
      decode(value: Buffer): string
    }

    interface Consts {
      readonly REGISTERED_DELIVERY: Readonly<Record<string, number>>
      readonly ESM_CLASS: Readonly<Record<string, number>> & {
        readonly MC_DELIVERY_RECEIPT: 0x04
        readonly UDH_INDICATOR: 0x40
      }
      readonly MESSAGE_STATE: Readonly<Record<string, number>> & {
        readonly ENROUTE: 1
        readonly DELIVERED: 2
        readonly EXPIRED: 3
        readonly DELETED: 4
        readonly UNDELIVERABLE: 5
        readonly ACCEPTED: 6
        readonly UNKNOWN: 7
        readonly REJECTED: 8
      }
      readonly ENCODING: Readonly<Record<string, number>>
      readonly TON: Readonly<Record<string, number>>
      readonly NPI: Readonly<Record<string, number>>
    }

    interface ConnectOptions extends SessionOptions {
      /** smpp://host:port or ssmpp://host:port */
      url?: string | undefined
    }

    function createServer(options: ServerOptions, listener?: (session: Session) => void): Server
    function createServer(listener?: (session: Session) => void): Server
    /** Opens a client session; the listener runs on "connect" ("secureConnect" with TLS). */
    function connect(options: ConnectOptions | string, listener?: () => void): Session

    const errors: Errors
    const consts: Consts
    /** node-smpp's text codecs by name (ASCII is its GSM 03.38 table); mutable globals, shared by every session. */
    const encodings: Readonly<Record<"ASCII" | "LATIN1" | "UCS2", TextEncoding>>

    // defs.errors are also copied to the top level; the ones Volley names:
    const ESME_ROK: 0x00
    const ESME_RINVCMDID: 0x03
    const ESME_RINVBNDSTS: 0x04
    const ESME_RALYBND: 0x05
    const ESME_RSYSERR: 0x08
    const ESME_RINVDSTADR: 0x0b
    const ESME_RBINDFAIL: 0x0d
    const ESME_RINVPASWD: 0x0e
    const ESME_RINVSYSID: 0x0f
    const ESME_RMSGQFUL: 0x14
    const ESME_RTHROTTLED: 0x58
  }

  export = smpp
}
