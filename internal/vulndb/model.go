// Copyright 2026 The gomodls Authors.

package vulndb

import "github.com/gomodls/gomodls/internal/vulndb/osv"

// The client reads the database into the model of package osv; these
// names keep its types at hand here.
type (
	Entry      = osv.Entry
	ModuleVuln = osv.ModuleVuln
	DB         = osv.DB
	Status     = osv.Status
)

var _ osv.Source = (*Client)(nil)
var _ osv.Reader = (*Client)(nil)
