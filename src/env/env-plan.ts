// Every environment variable the action exports is collected here first, with
// the reason for its value, so that nothing is exported before all inputs are
// validated and the summary can explain each value.
export interface EnvEntry {
  name: string
  value: string
  reason: string
}

export class EnvPlan {
  private readonly byName = new Map<string, EnvEntry>()

  set(name: string, value: string, reason: string): void {
    this.byName.set(name, { name, value, reason })
  }

  get(name: string): string | undefined {
    return this.byName.get(name)?.value
  }

  entries(): EnvEntry[] {
    return [...this.byName.values()]
  }
}
