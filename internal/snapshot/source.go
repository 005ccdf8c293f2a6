package snapshot

// Source answers questions about modules for the network analyzers. It is
// implemented over the GOPROXY chain, the module caches and the checksum
// database by package internal/modsource.
type Source interface{}
