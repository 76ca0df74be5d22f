// A hello HTTP server using only the standard library, for the conversion proof.
package main

import (
	"fmt"
	"log"
	"net/http"
	"os"
)

func main() {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from go as uid %d\n", os.Getuid())
	})
	log.Fatal(http.ListenAndServe(":8080", nil))
}
