// Which checksum database the user asked for: auto (chosen as go would
// reach one) or a fixed GOSUMDB value.
export type SumdbSetting = { mode: 'auto' } | { mode: 'fixed'; value: string }
