package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
)

// The generator builds pods as plain JSON trees, so that it can write what a
// typed Go value cannot: a field that is absent, null or empty, a null entry in
// a list, a key with the wrong case. Every value has the JSON type the API
// expects (or null), so every pod decodes as the API server would decode it.
//
// Each record starts from a pod that passes baseline or restricted and gets a
// few random mutations, each aimed at fields some check reads. Record i of seed
// s depends only on (s, i).

type obj = map[string]any

// absent is a value that means "leave the key out".
type absentT struct{}

var absent = absentT{}

func put(m obj, key string, value any) {
	if _, ok := value.(absentT); ok {
		delete(m, key)
		return
	}
	m[key] = value
}

type gen struct{ r *rand.Rand }

func (g *gen) chance(p float64) bool { return g.r.Float64() < p }
func (g *gen) intn(n int) int        { return g.r.IntN(n) }
func (g *gen) pick(xs ...any) any    { return xs[g.r.IntN(len(xs))] }
func (g *gen) pickS(xs ...string) string {
	return xs[g.r.IntN(len(xs))]
}

// boolish: absent, null, true or false.
func (g *gen) boolish() any { return g.pick(absent, nil, true, false) }

func runGenerate(args []string) error {
	fs := flag.NewFlagSet("generate", flag.ExitOnError)
	seed := fs.Uint64("seed", 1, "seed; the same seed and count give the same records")
	count := fs.Int("count", 1000, "number of records")
	start := fs.Int("start", 0, "index of the first record (to split a long run into parts)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	for i := *start; i < *start+*count; i++ {
		g := &gen{r: rand.New(rand.NewPCG(*seed, uint64(i)))}
		level, version := g.profile()
		rec := obj{"pod": g.pod(), "level": level, "version": version}
		if err := enc.Encode(rec); err != nil {
			return fmt.Errorf("record %d: %w", i, err)
		}
	}
	return nil
}

// profile picks a level and a policy version, including latest and versions
// newer than any upstream knows (which behave like the newest).
func (g *gen) profile() (string, string) {
	level := g.pickS("baseline", "restricted")
	switch n := g.intn(100); {
	case n < 8:
		return level, "latest"
	case n < 11:
		return level, fmt.Sprintf("v1.%d", 38+g.intn(5))
	default:
		return level, fmt.Sprintf("v1.%d", g.intn(38))
	}
}

func (g *gen) pod() obj {
	restricted := g.chance(0.6)
	spec := obj{}
	meta := obj{"name": "p"}
	pod := obj{"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec}
	if restricted {
		spec["securityContext"] = obj{"runAsNonRoot": true, "seccompProfile": obj{"type": "RuntimeDefault"}}
	}
	lists := []struct {
		field, prefix string
		min, max      int
	}{{"initContainers", "i", 0, 2}, {"containers", "c", 1, 3}, {"ephemeralContainers", "e", 0, 1}}
	for _, l := range lists {
		n := l.min + g.intn(l.max-l.min+1)
		if l.field == "ephemeralContainers" && !g.chance(0.3) {
			n = 0
		}
		if n == 0 {
			continue
		}
		var list []any
		for j := range n {
			c := obj{"name": fmt.Sprintf("%s%d", l.prefix, j), "image": "registry.example/app:1"}
			if restricted {
				c["securityContext"] = obj{"allowPrivilegeEscalation": false, "capabilities": obj{"drop": []any{"ALL"}}}
			}
			list = append(list, c)
		}
		spec[l.field] = list
	}
	mutations := []int{0, 1, 1, 2, 2, 2, 3, 3, 4, 6}[g.intn(10)]
	for range mutations {
		mutators[g.intn(len(mutators))](g, pod)
	}
	return pod
}

var mutators = []func(*gen, obj){
	mutatePodContext, mutatePodContext,
	mutateContainerContext, mutateContainerContext, mutateContainerContext,
	mutateOverride, mutateOverride,
	mutateCapabilities, mutateCapabilities,
	mutateVolumes, mutateVolumes,
	mutateHostNamespaces,
	mutatePorts,
	mutateSysctls,
	mutateAnnotations, mutateAnnotations,
	mutateProbes, mutateProbes, mutateProbes,
	mutateOS,
	mutateHostUsers,
	mutateContainerLists,
	mutateContextShape,
	mutateTopLevel,
}

func spec(pod obj) obj {
	s, ok := pod["spec"].(obj)
	if !ok {
		s = obj{}
		pod["spec"] = s
	}
	return s
}

func metadata(pod obj) obj {
	m, ok := pod["metadata"].(obj)
	if !ok {
		m = obj{"name": "p"}
		pod["metadata"] = m
	}
	return m
}

// containers returns every container object of the pod (null entries skipped).
func containers(pod obj) []obj {
	var out []obj
	s := spec(pod)
	for _, field := range []string{"initContainers", "containers", "ephemeralContainers"} {
		list, _ := s[field].([]any)
		for _, c := range list {
			if c, ok := c.(obj); ok {
				out = append(out, c)
			}
		}
	}
	return out
}

// someContainer returns a random container, adding one when there is none.
func (g *gen) someContainer(pod obj) obj {
	cs := containers(pod)
	if len(cs) == 0 {
		c := obj{"name": "c9"}
		s := spec(pod)
		list, _ := s["containers"].([]any)
		s["containers"] = append(list, c)
		return c
	}
	return cs[g.intn(len(cs))]
}

func names(pod obj) []string {
	var out []string
	for _, c := range containers(pod) {
		if n, ok := c["name"].(string); ok {
			out = append(out, n)
		}
	}
	return out
}

// context returns the securityContext object under m, creating it (or
// replacing a null one).
func context(m obj) obj {
	sc, ok := m["securityContext"].(obj)
	if !ok {
		sc = obj{}
		m["securityContext"] = sc
	}
	return sc
}

func sub(m obj, key string) obj {
	s, ok := m[key].(obj)
	if !ok {
		s = obj{}
		m[key] = s
	}
	return s
}

// --- value pools -----------------------------------------------------------

func (g *gen) runAsUser() any { return g.pick(absent, nil, 0, 0, 1000, 65534, -1, 2147483648) }

func (g *gen) profileType() any {
	return g.pick(absent, nil, "RuntimeDefault", "Localhost", "Unconfined", "", "runtimedefault", "RUNTIMEDEFAULT", "localhost", "runtime/default")
}

// profileObj is a seccompProfile or appArmorProfile value.
func (g *gen) profileObj() any {
	switch g.intn(8) {
	case 0:
		return nil
	case 1:
		return obj{}
	case 2:
		return absent
	}
	p := obj{}
	put(p, "type", g.profileType())
	if g.chance(0.4) {
		put(p, "localhostProfile", g.pick(nil, "", "profiles/x.json", "k8s-default"))
	}
	return p
}

func (g *gen) seLinux() any {
	switch g.intn(6) {
	case 0:
		return nil
	case 1:
		return obj{}
	}
	o := obj{}
	put(o, "type", g.pick(absent, absent, nil, "", "container_t", "container_init_t", "container_kvm_t", "container_engine_t", "spc_t", "unconfined_t", "Container_t", " container_t"))
	put(o, "user", g.pick(absent, absent, absent, nil, "", "system_u", "root"))
	put(o, "role", g.pick(absent, absent, absent, nil, "", "system_r", "object_r"))
	put(o, "level", g.pick(absent, absent, nil, "", "s0:c123,c456", "s0"))
	return o
}

func (g *gen) windowsOptions() any {
	switch g.intn(5) {
	case 0:
		return nil
	case 1:
		return obj{}
	}
	o := obj{}
	put(o, "hostProcess", g.boolish())
	if g.chance(0.3) {
		put(o, "runAsUserName", g.pick(nil, "", "NT AUTHORITY\\SYSTEM", "ContainerUser"))
	}
	if g.chance(0.2) {
		put(o, "gmsaCredentialSpecName", "spec")
	}
	return o
}

func (g *gen) capability() any {
	return g.pick(nil, "", "ALL", "ALL", "all", "All", " ALL", "NET_BIND_SERVICE", "NET_BIND_SERVICE", "net_bind_service", "CAP_NET_BIND_SERVICE",
		"NET_RAW", "CAP_NET_RAW", "SYS_ADMIN", "CHOWN", "AUDIT_WRITE", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
		"SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT", "chown", "BPF", "SYS_PTRACE")
}

func (g *gen) capList() any {
	switch g.intn(6) {
	case 0:
		return absent
	case 1:
		return nil
	case 2:
		return []any{}
	}
	var list []any
	for range 1 + g.intn(3) {
		list = append(list, g.capability())
	}
	return list
}

// --- mutations ---------------------------------------------------------------

// podContextField sets one field of a pod-level securityContext. A few are
// container-only fields, which the API ignores at pod level.
func (g *gen) podContextField(sc obj) {
	switch g.intn(11) {
	case 0:
		put(sc, "runAsNonRoot", g.boolish())
	case 1:
		put(sc, "runAsUser", g.runAsUser())
	case 2:
		put(sc, "seccompProfile", g.profileObj())
	case 3:
		put(sc, "appArmorProfile", g.profileObj())
	case 4:
		put(sc, "seLinuxOptions", g.seLinux())
	case 5:
		put(sc, "windowsOptions", g.windowsOptions())
	case 6:
		put(sc, "runAsGroup", g.pick(absent, nil, 0, 1000))
		put(sc, "fsGroup", g.pick(absent, nil, 0, 2000))
	case 7:
		put(sc, "supplementalGroups", g.pick(absent, nil, []any{}, []any{0, 1}))
	case 8:
		// Container-only fields at pod level are not part of the pod's context.
		put(sc, g.pickS("privileged", "allowPrivilegeEscalation", "procMount", "capabilities"),
			g.pick(true, "Unmasked", obj{"add": []any{"SYS_ADMIN"}}))
	case 9:
		// A key with the wrong case is an unknown field to the API server.
		put(sc, g.pickS("RunAsNonRoot", "runasnonroot", "SeccompProfile"), g.pick(false, obj{"type": "Unconfined"}))
	case 10:
		put(sc, "sysctls", g.sysctls())
	}
}

func mutatePodContext(g *gen, pod obj) {
	g.podContextField(context(spec(pod)))
}

func (g *gen) containerContextField(sc obj) {
	switch g.intn(14) {
	case 0:
		put(sc, "privileged", g.boolish())
	case 1:
		put(sc, "allowPrivilegeEscalation", g.boolish())
	case 2:
		put(sc, "runAsNonRoot", g.boolish())
	case 3:
		put(sc, "runAsUser", g.runAsUser())
	case 4:
		put(sc, "seccompProfile", g.profileObj())
	case 5:
		put(sc, "appArmorProfile", g.profileObj())
	case 6:
		put(sc, "seLinuxOptions", g.seLinux())
	case 7:
		put(sc, "windowsOptions", g.windowsOptions())
	case 8:
		put(sc, "procMount", g.pick(absent, nil, "Default", "Unmasked", "", "default", "Masked", "unmasked"))
	case 9:
		put(sc, "readOnlyRootFilesystem", g.boolish())
	case 10:
		put(sc, "runAsGroup", g.pick(absent, nil, 0, 1000))
	case 11:
		put(sc, g.pickS("Privileged", "AllowPrivilegeEscalation", "ProcMount", "privileged "), g.pick(true, "Unmasked"))
	case 12:
		put(sc, "capabilities", g.pick(absent, nil, obj{}))
	case 13:
		// Pod-only fields at container level are unknown there.
		put(sc, g.pickS("sysctls", "fsGroup"), g.pick([]any{obj{"name": "kernel.msgmax", "value": "1"}}, 0))
	}
}

func mutateContainerContext(g *gen, pod obj) {
	if g.chance(0.4) {
		// The same change on every container, so that fallbacks to the pod's
		// context are exercised with nothing else in the way.
		same := g.r.Uint64()
		for _, c := range containers(pod) {
			(&gen{r: rand.New(rand.NewPCG(same, 0))}).containerContextField(context(c))
		}
		return
	}
	g.containerContextField(context(g.someContainer(pod)))
}

// mutateOverride sets a field that exists at both levels at the pod only, at a
// container only, at both with the same value, or at both with conflicting values.
func mutateOverride(g *gen, pod obj) {
	type field struct {
		key string
		gen func() any
	}
	fields := []field{
		{"runAsNonRoot", func() any { return g.pick(true, false, nil) }},
		{"runAsUser", func() any { return g.pick(0, 1000, nil) }},
		{"seccompProfile", func() any {
			return g.pick(obj{"type": "RuntimeDefault"}, obj{"type": "Unconfined"}, obj{"type": "Localhost", "localhostProfile": "p"}, nil, obj{})
		}},
		{"appArmorProfile", func() any {
			return g.pick(obj{"type": "RuntimeDefault"}, obj{"type": "Unconfined"}, obj{"type": "Localhost", "localhostProfile": "p"}, nil)
		}},
		{"seLinuxOptions", func() any {
			return g.pick(obj{"type": "container_t"}, obj{"type": "spc_t"}, obj{"user": "u"}, nil, obj{})
		}},
		{"windowsOptions", func() any { return g.pick(obj{"hostProcess": true}, obj{"hostProcess": false}, nil) }},
	}
	f := fields[g.intn(len(fields))]
	podSC := context(spec(pod))
	targets := containers(pod)
	if len(targets) > 0 && g.chance(0.5) {
		targets = []obj{targets[g.intn(len(targets))]}
	}
	switch g.intn(4) {
	case 0: // pod only
		podSC[f.key] = f.gen()
		for _, c := range targets {
			if sc, ok := c["securityContext"].(obj); ok {
				delete(sc, f.key)
			}
		}
	case 1: // containers only
		delete(podSC, f.key)
		for _, c := range targets {
			context(c)[f.key] = f.gen()
		}
	case 2: // both, same
		v := f.gen()
		podSC[f.key] = v
		for _, c := range targets {
			context(c)[f.key] = v
		}
	case 3: // both, independent (often conflicting)
		podSC[f.key] = f.gen()
		for _, c := range targets {
			context(c)[f.key] = f.gen()
		}
	}
}

func mutateCapabilities(g *gen, pod obj) {
	targets := containers(pod)
	if len(targets) == 0 || g.chance(0.6) {
		targets = []obj{g.someContainer(pod)}
	}
	for _, c := range targets {
		caps := sub(context(c), "capabilities")
		switch g.intn(3) {
		case 0:
			put(caps, "add", g.capList())
		case 1:
			put(caps, "drop", g.capList())
		default:
			put(caps, "add", g.capList())
			put(caps, "drop", g.capList())
		}
	}
}

var volumeTypes = []string{
	"hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
	"glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
	"azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
	"portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
}

func (g *gen) volumeSource(kind string) any {
	switch g.intn(10) {
	case 0:
		return nil // a null source is no source
	case 1:
		return obj{}
	}
	switch kind {
	case "hostPath":
		return obj{"path": g.pickS("/", "/var/run/docker.sock", "/tmp", ""), "type": g.pick("", "Directory", nil)}
	case "configMap", "secret":
		return obj{"name": "x", "secretName": "x"}
	case "persistentVolumeClaim":
		return obj{"claimName": "x"}
	case "nfs":
		return obj{"server": "s", "path": "/"}
	case "csi":
		return obj{"driver": "d"}
	case "image":
		return obj{"reference": "registry.example/data:1"}
	}
	return obj{}
}

func mutateVolumes(g *gen, pod obj) {
	s := spec(pod)
	list, _ := s["volumes"].([]any)
	switch g.intn(12) {
	case 0:
		s["volumes"] = g.pick(nil, []any{})
		return
	case 1:
		list = append(list, nil) // decodes as a volume with no source
	case 2:
		list = append(list, obj{"name": fmt.Sprintf("v%d", len(list))}) // no source
	case 3:
		list = append(list, obj{"name": "u", g.pickS("unknownVolume", "HostPath", "hostpath"): obj{"path": "/"}})
	case 4: // two sources in one volume
		v := obj{"name": fmt.Sprintf("v%d", len(list))}
		v[volumeTypes[g.intn(len(volumeTypes))]] = g.volumeSource("")
		v[volumeTypes[g.intn(len(volumeTypes))]] = g.volumeSource("")
		list = append(list, v)
	default:
		kind := volumeTypes[g.intn(len(volumeTypes))]
		if g.chance(0.2) {
			kind = "hostPath"
		}
		list = append(list, obj{"name": fmt.Sprintf("v%d", len(list)), kind: g.volumeSource(kind)})
	}
	s["volumes"] = list
}

func mutateHostNamespaces(g *gen, pod obj) {
	s := spec(pod)
	for _, k := range []string{"hostNetwork", "hostPID", "hostIPC"} {
		if g.chance(0.5) {
			put(s, k, g.boolish())
		}
	}
}

func mutatePorts(g *gen, pod obj) {
	c := g.someContainer(pod)
	if g.chance(0.1) {
		put(c, "ports", g.pick(nil, []any{}))
		return
	}
	list, _ := c["ports"].([]any)
	if g.chance(0.1) {
		list = append(list, nil)
	} else {
		p := obj{}
		put(p, "containerPort", g.pick(absent, nil, 80, 8080, 0))
		put(p, "hostPort", g.pick(absent, absent, nil, 0, 0, 80, 8080, 9000))
		if g.chance(0.3) {
			put(p, "protocol", g.pick("TCP", "UDP"))
		}
		list = append(list, p)
	}
	c["ports"] = list
	if g.chance(0.4) {
		spec(pod)["hostNetwork"] = g.pick(true, true, false, nil)
	}
}

var sysctlNames = []any{
	"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
	"net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem", "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat",
	// unsafe or not namespaced, and near misses
	"kernel.msgmax", "net.core.somaxconn", "net.ipv4.ip_forward", "kernel.sem", "vm.swappiness",
	"net/ipv4/ip_local_port_range", "Kernel.shm_rmid_forced", "net.ipv4.tcp_syncookies ", "", nil,
}

func (g *gen) sysctls() any {
	switch g.intn(8) {
	case 0:
		return nil
	case 1:
		return []any{}
	}
	var list []any
	for range 1 + g.intn(3) {
		switch g.intn(12) {
		case 0:
			list = append(list, nil)
		case 1:
			list = append(list, obj{})
		default:
			e := obj{"value": "1"}
			put(e, "name", sysctlNames[g.intn(len(sysctlNames))])
			list = append(list, e)
		}
	}
	return list
}

func mutateSysctls(g *gen, pod obj) {
	put(context(spec(pod)), "sysctls", g.sysctls())
}

const (
	appArmorPrefix         = "container.apparmor.security.beta.kubernetes.io/"
	seccompPodKey          = "seccomp.security.alpha.kubernetes.io/pod"
	seccompContainerPrefix = "container.seccomp.security.alpha.kubernetes.io/"
)

func mutateAnnotations(g *gen, pod obj) {
	m := metadata(pod)
	if g.chance(0.05) {
		m["annotations"] = g.pick(nil, obj{})
		return
	}
	ann := sub(m, "annotations")
	target := g.pickS("ghost", "")
	if ns := names(pod); len(ns) > 0 && g.chance(0.8) {
		target = ns[g.intn(len(ns))]
	}
	switch g.intn(4) {
	case 0, 1:
		ann[appArmorPrefix+target] = g.pick("runtime/default", "localhost/profile", "localhost/", "unconfined", "", "Runtime/default", "docker/default", nil)
	case 2:
		ann[seccompPodKey] = g.pick("runtime/default", "docker/default", "localhost/x", "localhost/", "unconfined", "", "RuntimeDefault", nil)
	case 3:
		ann[seccompContainerPrefix+target] = g.pick("runtime/default", "docker/default", "localhost/x", "unconfined", "", "RuntimeDefault", nil)
	}
	if g.chance(0.1) {
		ann[g.pickS("Container.apparmor.security.beta.kubernetes.io/"+target, "apparmor.security.beta.kubernetes.io/pod", "seccomp.security.alpha.kubernetes.io/Pod")] = "unconfined"
	}
}

func (g *gen) host() any {
	return g.pick(absent, nil, "", "", "localhost", "127.0.0.1", "10.0.0.1", "example.com")
}

func (g *gen) handler(probe bool) any {
	if g.chance(0.1) {
		return nil
	}
	h := obj{}
	switch g.intn(5) {
	case 0:
		get := obj{"port": g.pick(80, "http")}
		put(get, "host", g.host())
		if g.chance(0.2) {
			get["path"] = "/healthz"
		}
		h["httpGet"] = get
	case 1:
		tcp := obj{"port": 80}
		put(tcp, "host", g.host())
		h["tcpSocket"] = tcp
	case 2:
		h["exec"] = obj{"command": []any{"true"}}
	case 3:
		if probe {
			h["grpc"] = obj{"port": 9000}
		} else {
			h["sleep"] = obj{"seconds": 1}
		}
	case 4:
		h[g.pickS("httpGet", "tcpSocket")] = nil
	}
	return h
}

func mutateProbes(g *gen, pod obj) {
	c := g.someContainer(pod)
	switch g.intn(4) {
	case 0, 1:
		c[g.pickS("livenessProbe", "readinessProbe", "startupProbe")] = g.handler(true)
	default:
		if g.chance(0.1) {
			c["lifecycle"] = g.pick(nil, obj{})
			return
		}
		lc := sub(c, "lifecycle")
		lc[g.pickS("postStart", "preStop")] = g.handler(false)
	}
}

func mutateOS(g *gen, pod obj) {
	s := spec(pod)
	switch g.intn(6) {
	case 0:
		put(s, "os", g.pick(absent, nil, obj{}))
	default:
		os := obj{}
		put(os, "name", g.pick("linux", "windows", "windows", "Windows", "", nil))
		s["os"] = os
	}
}

func mutateHostUsers(g *gen, pod obj) {
	put(spec(pod), "hostUsers", g.boolish())
}

// mutateContainerLists writes what a list of containers can hold besides
// containers: null entries, empty objects, null or empty lists, clashing names.
func mutateContainerLists(g *gen, pod obj) {
	s := spec(pod)
	field := g.pickS("initContainers", "containers", "containers", "ephemeralContainers")
	list, _ := s[field].([]any)
	switch g.intn(7) {
	case 0:
		list = append(list, nil)
	case 1:
		list = append(list, obj{})
	case 2:
		list = append(list, obj{"name": g.pick("", nil, "c0"), "securityContext": g.pick(nil, obj{})})
	case 3:
		s[field] = g.pick(nil, []any{})
		return
	case 4:
		list = append([]any{nil}, list...)
	case 5:
		list = append(list, obj{"name": fmt.Sprintf("x%d", len(list)), "image": "registry.example/app:1"})
	case 6:
		if len(list) > 0 {
			list = list[:len(list)-1]
		}
	}
	s[field] = list
}

// mutateContextShape makes a security context null, empty or absent.
func mutateContextShape(g *gen, pod obj) {
	if g.chance(0.4) {
		put(spec(pod), "securityContext", g.pick(absent, nil, obj{}))
		return
	}
	put(g.someContainer(pod), "securityContext", g.pick(absent, nil, obj{}))
}

func mutateTopLevel(g *gen, pod obj) {
	switch g.intn(10) {
	case 0:
		pod["metadata"] = g.pick(nil, obj{})
	case 1:
		pod["spec"] = g.pick(nil, obj{})
	default:
		put(metadata(pod), "labels", g.pick(absent, nil, obj{"app": "x"}))
	}
}
