// Where the project lives and what the user wants reported.
export interface ProjectOptions {
  /** Absolute; an existing directory. */
  workingDirectory: string
  cacheDependencyPath: string[]
  summary: boolean
}
