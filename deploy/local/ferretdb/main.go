// Command c360-ferretdb runs FerretDB v1 through its public embedding package.
//
// The upstream cmd/ferretdb binary panics unless build/version/version.txt is
// generated before building; the embedding package has no such requirement, so
// the local stack builds this small main instead of patching the module.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	_ "net/http/pprof" // served only with --debug-addr
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

const ferretModule = "github.com/FerretDB/FerretDB"

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	handler := flag.String("handler", "sqlite", "backend handler: sqlite or postgresql")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite directory URI for the sqlite handler")
	postgresqlURL := flag.String("postgresql-url", "postgres://127.0.0.1:5432/ferretdb",
		"connection string for the postgresql handler")
	logLevel := flag.String("log-level", "info", "log level: debug, info, warn or error")
	showVersion := flag.Bool("version", false, "print the embedded FerretDB version and exit")
	debugAddr := flag.String("debug-addr", "", "if set, serve Go's pprof profiles on this address")
	flag.Parse()

	if *showVersion {
		fmt.Println(ferretVersion())
		return
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "invalid --log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	if *debugAddr != "" {
		go func() {
			logger.Error("debug handler stopped", slog.Any("error", http.ListenAndServe(*debugAddr, nil)))
		}()
	}

	if err := run(logger, *listen, *handler, *sqliteURL, *postgresqlURL); err != nil {
		logger.Error("ferretdb stopped with an error", slog.Any("error", err))
		os.Exit(1)
	}
}

func run(logger *slog.Logger, listen, handler, sqliteURL, postgresqlURL string) error {
	// Telemetry is disabled and locked by the embedding package itself.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: listen},
		Logger:        logger,
		Handler:       handler,
		SQLiteURL:     sqliteURL,
		PostgreSQLURL: postgresqlURL,
	})
	if err != nil {
		return err
	}

	// Report the real module version in buildInfo instead of "unknown".
	version.Get().Version = ferretVersion()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	logger.Info("starting FerretDB",
		slog.String("version", version.Get().Version),
		slog.String("listen", listen),
		slog.String("handler", handler),
	)

	return f.Run(ctx)
}

// ferretVersion returns the FerretDB module version recorded in the binary.
func ferretVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == ferretModule {
				return dep.Version
			}
		}
	}

	return "unknown"
}
