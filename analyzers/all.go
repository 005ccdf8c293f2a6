package analyzers

// Local lists the analyzers that need nothing but the snapshot's files and
// the local disk. Drivers run them synchronously on every edit.
func Local() []*Analyzer {
	return []*Analyzer{ParseError, InvalidVersion, ModulePath, ReplaceDir, WorkUse, GoVersion, Godebug, Environment, Offline, SumMalformed, SumMissing, Private, Retract, Vendoring, Requires, ToolRequire, ReplaceConflict, Workspace}
}

// Network lists the analyzers that consult the module source. Drivers run
// them in the background.
func Network() []*Analyzer {
	return []*Analyzer{Versions, PathMismatch, Retractions, Deprecations, PseudoVersions, Upgrades, SumVerify, Vulns, Toolchains}
}

// All returns every analyzer, local ones first.
func All() []*Analyzer { return append(Local(), Network()...) }
