package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/gomodls/gomodls/internal/goenv"
)

func env(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gomodls env", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print the report as JSON")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: gomodls env [-json] [DIR]\n\nShow the effective Go environment gomodls (and the go command) use in DIR:\neach value and where it came from, the GOPROXY chain, the checksum database,\nand patterns in GOPRIVATE/GONOPROXY/GONOSUMDB/GOINSECURE that cannot work.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	dir := "."
	if fs.NArg() > 0 {
		dir = fs.Arg(0)
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return 2
	}
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		fmt.Fprintf(stderr, "gomodls env: %s is not a directory\n", dir)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	e, err := goenv.Load(ctx, goenv.Options{Dir: dir, LocalToolchain: true})
	if err != nil {
		fmt.Fprintf(stderr, "gomodls env: %v\n", err)
		return 2
	}
	r := e.Report()
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(stderr, "gomodls env: %v\n", err)
			return 2
		}
		return 0
	}
	if err := r.WriteText(stdout); err != nil {
		fmt.Fprintf(stderr, "gomodls env: %v\n", err)
		return 2
	}
	return 0
}
