package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	sigsjson "sigs.k8s.io/json"
)

// record is one line of the JSONL stream. Judge keeps the pod's bytes as they
// were generated, so that both sides read exactly the same document. A verdict
// already in the record is ignored and judged again.
type record struct {
	Pod     json.RawMessage `json:"pod"`
	Level   string          `json:"level"`
	Version string          `json:"version"`
}

// judged is what judge writes: checks is always present, empty when allowed.
type judged struct {
	Pod     json.RawMessage `json:"pod"`
	Level   string          `json:"level"`
	Version string          `json:"version"`
	Allowed bool            `json:"allowed"`
	Checks  []string        `json:"checks"`
}

func runJudge(args []string) error {
	fs := flag.NewFlagSet("judge", flag.ExitOnError)
	noDefaults := fs.Bool("no-defaults", false, "judge the pod as decoded, without the API server's defaulting")
	if err := fs.Parse(args); err != nil {
		return err
	}
	j, err := newJudge()
	if err != nil {
		return err
	}
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for line := 1; ; line++ {
		text, err := in.ReadBytes('\n')
		if len(text) > 0 && !(len(text) == 1 && text[0] == '\n') {
			res, jerr := j.judgeLine(text, !*noDefaults)
			if jerr != nil {
				return fmt.Errorf("line %d: %w", line, jerr)
			}
			if err := enc.Encode(res); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

type judge struct {
	checks    []policy.Check
	evaluator policy.Evaluator
	// newest is the newest MinimumVersion of any check: what `latest` and any
	// newer version mean, as the evaluator clamps them.
	newest api.Version
}

func newJudge() (*judge, error) {
	checks := policy.DefaultChecks()
	evaluator, err := policy.NewEvaluator(checks, nil)
	if err != nil {
		return nil, err
	}
	newest := api.MajorMinorVersion(1, 0)
	for _, c := range checks {
		if v := c.Versions[len(c.Versions)-1].MinimumVersion; newest.Older(v) {
			newest = v
		}
	}
	return &judge{checks: checks, evaluator: evaluator, newest: newest}, nil
}

func (j *judge) judgeLine(text []byte, defaults bool) (*judged, error) {
	var rec record
	if err := json.Unmarshal(text, &rec); err != nil {
		return nil, err
	}
	// The API server decodes case-sensitively and keeps integers as integers.
	var pod corev1.Pod
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(rec.Pod, &pod); err != nil {
		return nil, fmt.Errorf("pod does not decode as the API server would: %w", err)
	}
	if defaults {
		applyPodDefaults(&pod)
	}
	level, err := api.ParseLevel(rec.Level)
	if err != nil {
		return nil, err
	}
	version, err := api.ParseVersion(rec.Version)
	if err != nil {
		return nil, err
	}
	lv := api.LevelVersion{Level: level, Version: version}
	ids, results := j.forbidding(lv, &pod)

	// The evaluator's own answer must be the same as the per-check one, or the
	// check selection above has drifted from upstream's registry.
	var whole []policy.CheckResult
	for _, r := range j.evaluator.EvaluatePod(lv, &pod.ObjectMeta, &pod.Spec) {
		if !r.Allowed {
			whole = append(whole, r)
		}
	}
	if !sameResults(whole, results) {
		return nil, fmt.Errorf("per-check evaluation %v disagrees with EvaluatePod %v", results, whole)
	}
	sort.Strings(ids)
	return &judged{
		Pod:     rec.Pod,
		Level:   rec.Level,
		Version: rec.Version,
		Allowed: len(ids) == 0,
		Checks:  append([]string{}, ids...),
	}, nil
}

// forbidding runs every check in force at lv one by one, as upstream's registry
// selects them (the newest revision not newer than the version; at restricted,
// baseline checks overridden by a restricted check in force are skipped), and
// returns the IDs and results of the checks that forbid the pod.
func (j *judge) forbidding(lv api.LevelVersion, pod *corev1.Pod) ([]string, []policy.CheckResult) {
	if lv.Level == api.LevelPrivileged {
		return nil, nil
	}
	v := lv.Version
	if j.newest.Older(v) {
		v = j.newest
	}
	type active struct {
		check policy.Check
		rev   policy.VersionedCheck
	}
	var inForce []active
	overridden := map[policy.CheckID]bool{}
	for _, c := range j.checks {
		if c.Level == api.LevelRestricted && lv.Level != api.LevelRestricted {
			continue
		}
		var rev *policy.VersionedCheck
		for i := range c.Versions {
			if !v.Older(c.Versions[i].MinimumVersion) {
				rev = &c.Versions[i]
			}
		}
		if rev == nil {
			continue
		}
		inForce = append(inForce, active{c, *rev})
		if c.Level == api.LevelRestricted {
			for _, id := range rev.OverrideCheckIDs {
				overridden[id] = true
			}
		}
	}
	// Upstream's order: baseline IDs sorted, then restricted IDs sorted.
	slices.SortFunc(inForce, func(a, b active) int {
		if a.check.Level != b.check.Level {
			if a.check.Level == api.LevelBaseline {
				return -1
			}
			return 1
		}
		switch {
		case a.check.ID < b.check.ID:
			return -1
		case a.check.ID > b.check.ID:
			return 1
		}
		return 0
	})
	var ids []string
	var results []policy.CheckResult
	for _, a := range inForce {
		if a.check.Level == api.LevelBaseline && overridden[a.check.ID] {
			continue
		}
		r := a.rev.CheckPod(&pod.ObjectMeta, &pod.Spec)
		if !r.Allowed {
			ids = append(ids, string(a.check.ID))
			results = append(results, r)
		}
	}
	return ids, results
}

func sameResults(a, b []policy.CheckResult) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
