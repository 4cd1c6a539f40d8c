// calico-oracle generates Calico selectors with label sets and judges them with Calico's
// own selector library (github.com/projectcalico/libcalico-go, lib/selector, Apache-2.0),
// for the differential test of Palisade's parser in
// crates/palisade-rules/src/rules/network/calico_selector.rs.
//
//	calico-oracle --seed S --count N > judged.jsonl
//
// Each line: {"selector": "...", "labels": {...}, "valid": bool, "matches": bool}.
// The library is the last one the Go module proxy serves; it has the core grammar (all(),
// has(), ==, !=, in, not in, !, &&, ||, parentheses), which is what is generated. Some
// selectors are mutated (a character dropped or added) to compare what is rejected too.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"regexp"
	"strings"

	"github.com/projectcalico/libcalico-go/lib/selector"
)

type record struct {
	Selector string            `json:"selector"`
	Labels   map[string]string `json:"labels"`
	Valid    bool              `json:"valid"`
	Matches  bool              `json:"matches"`
}

var (
	// No key is `in` or `not`: this library reads `in` and `not in` as operators wherever
	// they stand, where Calico's current tokenizer reads them so only after a label.
	keys   = []string{"app", "tier", "role", "k8s-app", "app.kubernetes.io/name", "projectcalico.org/namespace", "x_y", "input", "all", "has", "a", "zone"}
	values = []string{"web", "db", "", "a b", "x-y", "WEB", "1", "in", "has(app)"}
	spaces = []string{"", " ", "  ", "\t"}
)

// keywordStartsTerm finds `in` or `not in` where a term starts. This library reads them as
// operators there and rejects the selector; Calico's current tokenizer reads them as a key
// (`not in {...}` tests the label `not`). A mutation that makes one is not compared.
var keywordStartsTerm = regexp.MustCompile(`(^|[(!&|])\s*(not\s*)?in\b`)

type gen struct{ r *rand.Rand }

func (g gen) pick(list []string) string { return list[g.r.Intn(len(list))] }
func (g gen) sp() string                { return g.pick(spaces) }

// rare is s one time in twenty, else nothing.
func (g gen) rare(s string) string {
	if g.r.Intn(20) == 0 {
		return s
	}
	return ""
}

func (g gen) quote(v string) string {
	if strings.Contains(v, "'") || g.r.Intn(2) == 0 {
		return `"` + v + `"`
	}
	return "'" + v + "'"
}

func (g gen) set() string {
	n := g.r.Intn(4)
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.quote(g.pick(values))
	}
	return "{" + g.sp() + strings.Join(parts, g.sp()+","+g.sp()) + g.sp() + "}"
}

func (g gen) term(depth int) string {
	switch g.r.Intn(9) {
	case 0:
		return "all" + g.rare(" ") + "(" + g.sp() + ")"
	case 1:
		return "has" + g.rare(" ") + "(" + g.sp() + g.pick(keys) + g.sp() + ")"
	case 2:
		return g.pick(keys) + g.sp() + "==" + g.sp() + g.quote(g.pick(values))
	case 3:
		return g.pick(keys) + g.sp() + "!=" + g.sp() + g.quote(g.pick(values))
	case 4:
		return g.pick(keys) + " in" + g.sp() + g.set()
	case 5:
		return g.pick(keys) + " not in" + g.sp() + g.set()
	case 6:
		if depth < 4 {
			return "!" + g.sp() + g.term(depth+1)
		}
		return "has(" + g.pick(keys) + ")"
	default:
		if depth < 4 {
			return "(" + g.sp() + g.expr(depth+1) + g.sp() + ")"
		}
		return g.pick(keys) + " == " + g.quote(g.pick(values))
	}
}

func (g gen) expr(depth int) string {
	out := g.term(depth)
	for g.r.Intn(3) == 0 {
		op := "&&"
		if g.r.Intn(2) == 0 {
			op = "||"
		}
		out += g.sp() + op + g.sp() + g.term(depth)
	}
	return out
}

// mutate drops, doubles or inserts a character, so that rejection is compared too.
func (g gen) mutate(s string) string {
	if len(s) == 0 {
		return "("
	}
	i := g.r.Intn(len(s))
	switch g.r.Intn(3) {
	case 0:
		return s[:i] + s[i+1:]
	case 1:
		return s[:i] + s[i:i+1] + s[i:]
	default:
		return s[:i] + string("(){}!=&|'\", "[g.r.Intn(12)]) + s[i:]
	}
}

func (g gen) labels() map[string]string {
	out := map[string]string{}
	for i := g.r.Intn(4); i > 0; i-- {
		out[g.pick(keys)] = g.pick(values)
	}
	return out
}

func main() {
	seed := flag.Int64("seed", 1, "random seed")
	count := flag.Int("count", 10000, "records to generate")
	flag.Parse()
	g := gen{rand.New(rand.NewSource(*seed))}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	for i := 0; i < *count; i++ {
		text := g.expr(0)
		if g.r.Intn(5) == 0 {
			if mutated := g.mutate(text); !keywordStartsTerm.MatchString(mutated) {
				text = mutated
			}
		}
		rec := record{Selector: text, Labels: g.labels()}
		if sel, err := selector.Parse(text); err == nil {
			rec.Valid = true
			rec.Matches = sel.Evaluate(rec.Labels)
		}
		if err := enc.Encode(rec); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}
