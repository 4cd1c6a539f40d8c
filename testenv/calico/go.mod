module palisade.dev/testenv/calico

go 1.26

require github.com/projectcalico/libcalico-go v1.7.3

require (
	github.com/onsi/ginkgo v1.16.5 // indirect
	github.com/onsi/gomega v1.44.0 // indirect
	github.com/sirupsen/logrus v1.10.2 // indirect
	golang.org/x/sys v0.13.0 // indirect
)
