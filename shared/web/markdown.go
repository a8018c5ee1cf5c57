package web

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown turns entry bodies into HTML. goldmark leaves raw HTML out; bluemonday then
// removes anything unsafe that Markdown itself can produce (javascript: links and the like).
var (
	markdown = goldmark.New(goldmark.WithExtensions(extension.GFM),
		goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(localImages{}, 100))))
	sanitizer = func() *bluemonday.Policy {
		p := bluemonday.UGCPolicy()
		p.RequireNoFollowOnLinks(true)
		p.AllowURLSchemes("http", "https", "mailto")
		p.AllowRelativeURLs(true)
		return p
	}()
	wikiLink = regexp.MustCompile(`\[\[([a-z0-9]+(?:-[a-z0-9]+)*)\]\]`)
)

// renderMarkdown renders an entry body to safe HTML. [[slug]] becomes a link to that entry.
func renderMarkdown(src string) template.HTML {
	src = wikiLink.ReplaceAllString(src, "[$1](/eintraege/$1)")
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(src), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	return template.HTML(sanitizer.SanitizeBytes(buf.Bytes()))
}

// localImages turns images from other sites into plain links: showing them would make every
// reader's browser request a third party.
type localImages struct{}

func (localImages) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	var foreign []*ast.Image
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering && !isLocalPath(string(img.Destination)) {
			foreign = append(foreign, img)
		}
		return ast.WalkContinue, nil
	})
	for _, img := range foreign {
		link := ast.NewLink()
		link.Destination, link.Title = img.Destination, img.Title
		for c := img.FirstChild(); c != nil; {
			next := c.NextSibling()
			link.AppendChild(link, c)
			c = next
		}
		img.Parent().ReplaceChild(img.Parent(), img, link)
	}
}

// isLocalPath reports whether a URL is a path on this site ("/static/x.png", not "//host").
func isLocalPath(u string) bool {
	return strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") && !strings.HasPrefix(u, "/\\")
}
