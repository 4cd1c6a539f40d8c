// Command etcd is the etcd server of the test control plane: upstream's own
// entry point (same flags as the etcd release binary), built from the
// go.etcd.io/etcd/server/v3 module pinned in go.mod so that its version moves
// together with the Kubernetes release it is tested with.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
