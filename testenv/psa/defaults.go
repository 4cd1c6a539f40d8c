package main

import (
	"reflect"

	corev1 "k8s.io/api/core/v1"
)

// applyPodDefaults applies the API server's defaulting of a Pod that Pod
// Security Admission can see. The admission plugin (and a webhook) judge the
// pod after decoding has defaulted it, so a pod as written in a manifest is
// judged in this form:
//
//   - a volume with no source becomes an emptyDir volume (every pod spec);
//   - with hostNetwork, a port of a regular or init container whose hostPort is
//     0 gets hostPort = containerPort (Pods only since Kubernetes 1.28; pod
//     templates are no longer defaulted this way).
//
// Other defaults (an empty pod securityContext, probe schemes, pull policies)
// do not change any check's outcome.
func applyPodDefaults(pod *corev1.Pod) {
	for i := range pod.Spec.Volumes {
		if noVolumeSource(&pod.Spec.Volumes[i].VolumeSource) {
			pod.Spec.Volumes[i].VolumeSource = corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}
		}
	}
	if pod.Spec.HostNetwork {
		hostNetworkPorts(pod.Spec.Containers)
		hostNetworkPorts(pod.Spec.InitContainers)
	}
}

func hostNetworkPorts(containers []corev1.Container) {
	for i := range containers {
		for j := range containers[i].Ports {
			port := &containers[i].Ports[j]
			if port.HostPort == 0 {
				port.HostPort = port.ContainerPort
			}
		}
	}
}

// noVolumeSource reports whether no field of the volume source is set, as the
// API server's defaulting tests it (every field is a pointer).
func noVolumeSource(s *corev1.VolumeSource) bool {
	v := reflect.ValueOf(s).Elem()
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			return false
		}
	}
	return true
}
