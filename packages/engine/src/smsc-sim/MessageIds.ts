/** SMSC message ids as operators write them: decimal or hex (upper case), optionally zero-padded. */
export type MessageIdFormat = "decimal" | "hex"

/**
 * Ids count up from here, so every simulator id has 9 decimal / 8 hex digits and is never "0" — short
 * enough to read in a test failure, long enough that decimal and hex renderings visibly differ.
 */
export const FIRST_MESSAGE_NUMBER = 0x10000000

export const formatMessageId = (n: number, format: MessageIdFormat, width: number): string => {
  const digits = format === "hex" ? n.toString(16).toUpperCase() : n.toString(10)
  return width > digits.length ? digits.padStart(width, "0") : digits
}
