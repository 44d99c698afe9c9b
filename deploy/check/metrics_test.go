package check

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	promql "github.com/prometheus/prometheus/promql/parser"
)

// repoRoot is the repository, relative to this package.
const repoRoot = "../.."

// scrapeMetrics are series Prometheus itself adds to every target Parley exposes.
var scrapeMetrics = []string{"up"}

// specMetrics are SPEC section 8's names: the collector below must find every one, or it has
// stopped seeing the code it is meant to read.
var specMetrics = []string{
	"parley_fetch_polls_total", "parley_fetch_items_published_total",
	"parley_fetch_poll_duration_seconds_bucket", "parley_fetch_feeds",
	"parley_parse_articles_total", "parley_parse_duration_seconds_bucket",
	"parley_notify_alerts_total", "parley_deliveries_total",
	"parley_pipeline_latency_seconds_bucket",
}

// exportedMetrics reads Parley's Go sources (services/, platform/, cmd/) and returns every
// series name they export: the Name of each prometheus.*Opts literal (a histogram's as its
// _bucket, _sum and _count series) and the name of each prometheus.NewDesc.
func exportedMetrics(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	fset := token.NewFileSet()
	for _, dir := range []string{"services", "platform", "cmd"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return fmt.Errorf("parse %s: %w", path, err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				switch n := n.(type) {
				case *ast.CompositeLit:
					kind := prometheusSelector(n.Type)
					if !strings.HasSuffix(kind, "Opts") {
						return true
					}
					for _, el := range n.Elts {
						kv, ok := el.(*ast.KeyValueExpr)
						if !ok || fmt.Sprint(kv.Key) != "Name" {
							continue
						}
						if name, ok := stringLit(kv.Value); ok {
							addSeries(names, kind, name)
						}
					}
				case *ast.CallExpr:
					if prometheusSelector(n.Fun) == "NewDesc" && len(n.Args) > 0 {
						if name, ok := stringLit(n.Args[0]); ok {
							names[name] = true
						}
					}
				}
				return true
			})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range specMetrics {
		if !names[m] {
			t.Errorf("SPEC section 8 metric %s not found in the code (found %d names)", m, len(names))
		}
	}
	for _, m := range scrapeMetrics {
		names[m] = true
	}
	return names
}

func addSeries(names map[string]bool, kind, name string) {
	switch kind {
	case "HistogramOpts":
		names[name+"_bucket"], names[name+"_sum"], names[name+"_count"] = true, true, true
	case "SummaryOpts":
		names[name] = true
		names[name+"_sum"], names[name+"_count"] = true, true
	default:
		names[name] = true
	}
}

// prometheusSelector is "X" for an expression prometheus.X, else "".
func prometheusSelector(e ast.Expr) string {
	sel, ok := e.(*ast.SelectorExpr)
	if !ok {
		return ""
	}
	if id, ok := sel.X.(*ast.Ident); ok && id.Name == "prometheus" {
		return sel.Sel.Name
	}
	return ""
}

func stringLit(e ast.Expr) (string, bool) {
	lit, ok := e.(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// metricNames parses a PromQL expression and returns the metric names it selects.
func metricNames(expr string) ([]string, error) {
	e, err := promql.NewParser(promql.Options{}).ParseExpr(expr)
	if err != nil {
		return nil, err
	}
	var names []string
	var inspectErr error
	promql.Inspect(e, func(n promql.Node, _ []promql.Node) error {
		vs, ok := n.(*promql.VectorSelector)
		if !ok {
			return nil
		}
		name := vs.Name
		for _, m := range vs.LabelMatchers {
			if m.Name == "__name__" {
				name = m.Value
			}
		}
		if name == "" {
			inspectErr = fmt.Errorf("selector %s names no metric", vs)
		}
		names = append(names, name)
		return nil
	})
	return names, inspectErr
}

func checkQuery(t *testing.T, where, expr string, exported map[string]bool) {
	t.Helper()
	names, err := metricNames(expr)
	if err != nil {
		t.Errorf("%s: %v\n%s", where, err, expr)
		return
	}
	if len(names) == 0 {
		t.Errorf("%s: selects no metric", where)
	}
	for _, n := range names {
		if !exported[n] {
			t.Errorf("%s: metric %s is not exported by Parley", where, n)
		}
	}
}

func TestRulesUseExportedMetrics(t *testing.T) {
	exported := exportedMetrics(t)
	runbook, err := os.ReadFile(filepath.Join(repoRoot, "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, overlay := range []string{"prod", "prod-cpu"} {
		rules := objectsOf[*monitoringv1.PrometheusRule](render(t, overlay))
		if len(rules) == 0 {
			t.Fatalf("overlays/%s: no PrometheusRule", overlay)
		}
		var alerts []string
		for _, pr := range rules {
			for _, g := range pr.Spec.Groups {
				for _, r := range g.Rules {
					where := fmt.Sprintf("overlays/%s rule %s", overlay, r.Alert+r.Record)
					checkQuery(t, where, r.Expr.String(), exported)
					if r.Alert == "" {
						continue
					}
					alerts = append(alerts, r.Alert)
					// Every alert's runbook entry exists, under the anchor its link names.
					if !regexp.MustCompile(`(?m)^#+ ` + regexp.QuoteMeta(r.Alert) + `$`).Match(runbook) {
						t.Errorf("%s: docs/operations.md has no heading %q", where, r.Alert)
					}
					if want := "operations.md#" + strings.ToLower(r.Alert); !strings.HasSuffix(r.Annotations["runbook_url"], want) {
						t.Errorf("%s: runbook_url %q does not end in %s", where, r.Annotations["runbook_url"], want)
					}
				}
			}
		}
		// The alerts the issue asks for.
		for _, want := range []string{"ParleyFeedsFailing", "ParleyConsumerLagGrowing", "ParleyDeadLetters",
			"ParleyPipelineLatencyHigh", "ParleyNoAlertDelivered"} {
			if !slices.Contains(alerts, want) {
				t.Errorf("overlays/%s: no alert %s", overlay, want)
			}
		}
	}
}

// grafanaVars are the dashboard variables queries may use, with a value that parses.
var grafanaVars = strings.NewReplacer("$__rate_interval", "5m", "$__interval", "1m", "$__range", "1h")

type dashboard struct {
	Panels []panel `json:"panels"`
}

type panel struct {
	Title   string  `json:"title"`
	Type    string  `json:"type"`
	Panels  []panel `json:"panels"`
	Targets []struct {
		Expr string `json:"expr"`
	} `json:"targets"`
}

func TestDashboardUsesExportedMetrics(t *testing.T) {
	exported := exportedMetrics(t)
	raw, err := os.ReadFile(filepath.Join(deployDir, "components", "monitoring", "parley-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d dashboard
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	used := map[string]bool{}
	var walk func([]panel)
	walk = func(ps []panel) {
		for _, p := range ps {
			walk(p.Panels)
			if p.Type == "row" {
				continue
			}
			if len(p.Targets) == 0 {
				t.Errorf("panel %q has no query", p.Title)
			}
			for i, tg := range p.Targets {
				expr := grafanaVars.Replace(tg.Expr)
				checkQuery(t, fmt.Sprintf("panel %q query %d", p.Title, i), expr, exported)
				names, _ := metricNames(expr)
				for _, n := range names {
					used[n] = true
				}
			}
		}
	}
	walk(d.Panels)
	// SPEC section 8 asks the dashboard for every one of its metrics, and for consumer lag.
	for _, m := range append(slices.Clone(specMetrics), "parley_consumer_pending_messages") {
		if !used[m] {
			t.Errorf("dashboard shows nothing of %s", m)
		}
	}
}
