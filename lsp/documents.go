package lsp

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"

	"github.com/gomodls/gomodls/internal/span"
)

// A document is an open editor buffer.
type document struct {
	uri     uri.URI // as the client spelled it; used when we talk about it
	path    string  // cleaned absolute file path; the key
	version int32
	content []byte
	mapper  *span.Mapper
}

// documents is the set of open documents. Updates are serialised by the
// caller (notifications are handled in wire order on the read loop); the
// mutex protects readers on other goroutines.
type documents struct {
	mu   sync.RWMutex
	docs map[string]*document
}

func newDocuments() *documents { return &documents{docs: map[string]*document{}} }

// pathOf returns the cleaned file path of a file URI, or an error for URIs
// gomodls cannot serve (untitled buffers, remote schemes).
func pathOf(u uri.URI) (string, error) {
	if !u.IsFile() {
		return "", fmt.Errorf("unsupported URI %s: gomodls only serves file: URIs", u)
	}
	p := u.FsPath()
	if p == "" {
		return "", fmt.Errorf("URI %s has no file path", u)
	}
	return filepath.Clean(p), nil
}

func (d *documents) open(u uri.URI, version int32, text string) (*document, error) {
	p, err := pathOf(u)
	if err != nil {
		return nil, err
	}
	c := []byte(text)
	doc := &document{uri: u, path: p, version: version, content: c, mapper: span.NewMapper(c)}
	d.mu.Lock()
	d.docs[p] = doc
	d.mu.Unlock()
	return doc, nil
}

func (d *documents) close(u uri.URI) (*document, bool) {
	p, err := pathOf(u)
	if err != nil {
		return nil, false
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	doc, ok := d.docs[p]
	delete(d.docs, p)
	return doc, ok
}

func (d *documents) get(p string) (*document, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	doc, ok := d.docs[p]
	return doc, ok
}

func (d *documents) getURI(u uri.URI) (*document, bool) {
	p, err := pathOf(u)
	if err != nil {
		return nil, false
	}
	return d.get(p)
}

func (d *documents) all() []*document {
	d.mu.RLock()
	defer d.mu.RUnlock()
	list := make([]*document, 0, len(d.docs))
	for _, doc := range d.docs {
		list = append(list, doc)
	}
	return list
}

// errStaleVersion reports a change for a version older than the one we
// have, which LSP clients never send in order; it is ignored, not applied.
var errStaleVersion = errors.New("stale document version")

// change applies content changes to an open document and returns the new
// document. Each change's range is interpreted against the text produced
// by the changes before it, as the LSP specifies.
func (d *documents) change(u uri.URI, version int32, changes []protocol.TextDocumentContentChangeEvent) (*document, error) {
	p, err := pathOf(u)
	if err != nil {
		return nil, err
	}
	d.mu.RLock()
	old, ok := d.docs[p]
	d.mu.RUnlock()
	if !ok {
		return nil, fmt.Errorf("didChange for %s, which is not open", u)
	}
	if version <= old.version && version != 0 {
		return nil, fmt.Errorf("%w: %s version %d is not newer than %d", errStaleVersion, u, version, old.version)
	}
	content, mapper := old.content, old.mapper
	for _, ch := range changes {
		switch ch := ch.(type) {
		case *protocol.TextDocumentContentChangeWholeDocument:
			content = []byte(ch.Text)
		case *protocol.TextDocumentContentChangePartial:
			start := mapper.OffsetUTF16(int(ch.Range.Start.Line), int(ch.Range.Start.Character))
			end := mapper.OffsetUTF16(int(ch.Range.End.Line), int(ch.Range.End.Character))
			if end < start {
				return nil, fmt.Errorf("didChange for %s: range end %d:%d is before its start %d:%d", u,
					ch.Range.End.Line, ch.Range.End.Character, ch.Range.Start.Line, ch.Range.Start.Character)
			}
			next := make([]byte, 0, len(content)-(end-start)+len(ch.Text))
			next = append(next, content[:start]...)
			next = append(next, ch.Text...)
			next = append(next, content[end:]...)
			content = next
		default:
			return nil, fmt.Errorf("didChange for %s: unsupported change %T", u, ch)
		}
		mapper = span.NewMapper(content)
	}
	doc := &document{uri: old.uri, path: p, version: version, content: content, mapper: mapper}
	d.mu.Lock()
	d.docs[p] = doc
	d.mu.Unlock()
	return doc, nil
}

// Open returns the text and version of the open document at p
// (engine.Files).
func (d *documents) Open(p string) ([]byte, int32, bool) {
	doc, ok := d.get(p)
	if !ok {
		return nil, 0, false
	}
	return doc.content, doc.version, true
}
