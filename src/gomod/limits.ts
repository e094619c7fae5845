// go's limits (cmd/go/internal/modfetch/codehost): 500 MiB zips, 16 MiB
// go.mod; the same bound is used for every other small protocol file.
export const MAX_ZIP_BYTES = 500 << 20
export const MAX_SMALL_BYTES = 16 << 20
