package web

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

func TestRenderMarkdown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in  string
		want      []string
		forbidden []string
	}{
		{"heading and list", "## Ausgangslage\n\n- eins\n- zwei", []string{"<h2", "Ausgangslage</h2>", "<li>eins</li>"}, nil},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |", []string{"<table>", "<td>1</td>"}, nil},
		{"raw script", "vorher <script>alert(1)</script> nachher", []string{"vorher"}, []string{"<script", "alert(1)</script>"}},
		{"javascript link", "[klick](javascript:alert(1))", nil, []string{"javascript:"}},
		{"event handler", `<img src=x onerror=alert(1)>`, nil, []string{"onerror"}},
		{"external image becomes a link", "![Bild](https://tracker.example/pixel.png)", []string{`<a href="https://tracker.example/pixel.png"`, ">Bild</a>"}, []string{"<img"}},
		{"local image", "![Plan](/static/favicon.svg)", []string{`<img src="/static/favicon.svg" alt="Plan"`}, nil},
		{"wiki link", "siehe [[lorawan-sensornetz]]", []string{`href="/eintraege/lorawan-sensornetz"`}, nil},
		{"link nofollow", "[Seite](https://www.kaiserslautern.de)", []string{`href="https://www.kaiserslautern.de"`, "nofollow"}, nil},
		{"iframe", `<iframe src="https://evil.example"></iframe>`, nil, []string{"<iframe"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(renderMarkdown(tt.in))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("renderMarkdown(%q) = %q, want it to contain %q", tt.in, got, w)
				}
			}
			for _, f := range tt.forbidden {
				if strings.Contains(got, f) {
					t.Errorf("renderMarkdown(%q) = %q, must not contain %q", tt.in, got, f)
				}
			}
		})
	}
}

func FuzzRenderMarkdown(f *testing.F) {
	for _, s := range []string{"<script>alert(1)</script>", "[x](javascript:alert(1))", "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
		"```\n<script>\n```", "<svg onload=alert(1)>", "[[a-b]]", "<<script>script>", "<IMG SRC=JaVaScRiPt:alert(1)>", "![x](data:text/html;base64,PHNjcmlwdD4=)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if problem := unsafeHTML(string(renderMarkdown(src))); problem != "" {
			t.Fatalf("renderMarkdown(%q): %s", src, problem)
		}
	})
}

// unsafeHTML returns what in out could run script or load from elsewhere, or "".
func unsafeHTML(out string) string {
	z := html.NewTokenizer(strings.NewReader(out))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "svg", "object", "embed", "style", "link", "meta", "base", "form":
				return "element " + tok.Data
			}
			for _, a := range tok.Attr {
				key := strings.ToLower(a.Key)
				val := strings.ToLower(strings.Map(func(r rune) rune {
					if r <= ' ' {
						return -1
					}
					return r
				}, a.Val))
				switch {
				case strings.HasPrefix(key, "on"), key == "style":
					return "attribute " + key
				case (key == "href" || key == "src") && (strings.HasPrefix(val, "javascript:") || strings.HasPrefix(val, "data:") || strings.HasPrefix(val, "vbscript:")):
					return key + "=" + a.Val
				case key == "src" && !strings.HasPrefix(val, "/"):
					return "external src " + a.Val
				case key == "src" && strings.HasPrefix(val, "//"):
					return "external src " + a.Val
				}
			}
		}
	}
}
