/** `?a=1&b=x` from the filters that are set; empty strings and undefined are left out. */
export const query = (params: Readonly<Record<string, string | number | undefined>>): string => {
  const search = new URLSearchParams()
  for (const [name, value] of Object.entries(params))
    if (value !== undefined && value !== "") search.set(name, String(value))
  const text = search.toString()
  return text === "" ? "" : `?${text}`
}

/** A keyset page of any list (`GET …?cursor=`): null `nextCursor` means the last page. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly nextCursor: string | null
}

export const segment = encodeURIComponent
