// Command psa-oracle generates pods and judges them with upstream's Pod Security
// Admission library, so that Palisade's Pod Security Standards decisions can be
// compared with the reference implementation record by record.
//
//	psa-oracle generate --seed N --count M > pods.jsonl
//	psa-oracle judge < pods.jsonl > judged.jsonl
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	var err error
	switch os.Args[1] {
	case "generate":
		err = runGenerate(os.Args[2:])
	case "judge":
		err = runJudge(os.Args[2:])
	default:
		usage()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "psa-oracle:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: psa-oracle generate --seed N --count M | psa-oracle judge [--no-defaults]")
	os.Exit(2)
}
