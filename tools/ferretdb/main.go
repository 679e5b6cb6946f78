// Command ferretdb-embedded runs the app's embedded store: PostgreSQL (the machine's
// binaries, started here as a child) with FerretDB v1 (PostgreSQL backend) in front of it.
//
// It embeds FerretDB's `ferretdb` package instead of building cmd/ferretdb, whose
// version file is generated at release time and absent from the Go module (that
// binary panics at start). Besides FerretDB's own behaviour it:
//   - starts `postgres -D <dir>` on 127.0.0.1:<port> (no Unix socket), as the uid/gid
//     given (PostgreSQL refuses to run as root), with the settings the app needs;
//     the postmaster gets SIGINT (fast shutdown) if this process dies, even by SIGKILL
//     (Linux parent-death signal);
//   - creates the PostgreSQL database FerretDB uses when it is missing;
//   - prints one line "LISTENING <mongodb URI>" on stdout once it accepts connections;
//   - stops on SIGTERM/SIGINT, and also when its stdin closes, so that neither it nor
//     PostgreSQL outlives the Node.js process that started it (even one killed with SIGKILL).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func init() {
	// The parent-death signal is bound to the thread that forks the child: keep the
	// main goroutine on the main thread, which lives as long as the process.
	runtime.LockOSThread()
}

func main() {
	listen := flag.String("listen-addr", "127.0.0.1:0", "TCP address to listen on")
	pgBin := flag.String("pg-bin", "", "directory of the PostgreSQL server binaries (postgres)")
	pgData := flag.String("pg-data", "", "PostgreSQL data directory (made by initdb)")
	pgPort := flag.Int("pg-port", 0, "PostgreSQL TCP port on 127.0.0.1")
	pgUID := flag.Int("pg-uid", -1, "run PostgreSQL as this uid (when started as root)")
	pgGID := flag.Int("pg-gid", -1, "run PostgreSQL as this gid (when started as root)")
	pgUser := flag.String("pg-user", "postgres", "PostgreSQL role FerretDB connects as")
	pgDB := flag.String("pg-database", "ferretdb", "PostgreSQL database FerretDB uses")
	poolMax := flag.Int("pool-max-conns", 40, "FerretDB's PostgreSQL connections")
	statementTimeout := flag.String("statement-timeout", "35s", "PostgreSQL statement_timeout for FerretDB's queries")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	watchStdin := flag.Bool("watch-stdin", true, "exit when stdin closes")
	// FerretDB allocates for every document it decodes: at Go's default (100) it spent about 15% more
	// CPU per page on collection than at 400, where its heap may grow to 5 times what it holds
	// (a few hundred MB). GOGC in the environment, when set, wins.
	gcPercent := flag.Int("gc-percent", 400, "Go's GC percent for this process (GOGC wins when set)")
	var pgSettings multiFlag
	flag.Var(&pgSettings, "pg-set", "extra PostgreSQL setting name=value (repeatable)")
	flag.Parse()

	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(*gcPercent)
	}

	if *pgBin == "" || *pgData == "" || *pgPort == 0 {
		fmt.Fprintln(os.Stderr, "ferretdb-embedded: -pg-bin, -pg-data and -pg-port are required")
		os.Exit(2)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-embedded: bad -log-level:", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	if *watchStdin {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			logger.Warn("stdin closed: parent process is gone, stopping")
			stop()
		}()
	}

	args := []string{
		"-D", *pgData,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "port=" + strconv.Itoa(*pgPort),
		"-c", "unix_socket_directories=",
		// FerretDB sends every pushed-down filter as `_jsonb->$1 @> $2` with the key as a
		// bind parameter: only a custom plan can match it to a GIN expression index.
		"-c", "plan_cache_mode=force_custom_plan",
		"-c", "max_connections=" + strconv.Itoa(*poolMax*2+20),
	}
	for _, s := range pgSettings {
		args = append(args, "-c", s)
	}
	pg := exec.Command(filepath.Join(*pgBin, "postgres"), args...)
	pg.Stdout = os.Stderr
	pg.Stderr = os.Stderr
	pg.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGINT, Setpgid: true}
	if *pgUID >= 0 && *pgGID >= 0 {
		pg.SysProcAttr.Credential = &syscall.Credential{Uid: uint32(*pgUID), Gid: uint32(*pgGID)}
	}
	if err := pg.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-embedded: starting postgres:", err)
		os.Exit(1)
	}
	pgExited := make(chan error, 1) // receives postgres's exit once
	pgDone := make(chan struct{})   // closed when postgres has exited
	go func() {
		err := pg.Wait()
		close(pgDone)
		pgExited <- err
	}()

	stopPostgres := func() {
		select {
		case <-pgDone:
			return
		default:
		}
		_ = pg.Process.Signal(syscall.SIGINT) // fast shutdown: roll back, checkpoint, exit
		select {
		case <-pgDone:
		case <-time.After(20 * time.Second):
			_ = pg.Process.Kill()
			<-pgDone
		}
	}

	adminURL := fmt.Sprintf("postgres://%s@127.0.0.1:%d/postgres?sslmode=disable", *pgUser, *pgPort)
	if err := waitForPostgres(ctx, adminURL, pgExited); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-embedded:", err)
		stopPostgres()
		os.Exit(1)
	}
	if err := ensureDatabase(ctx, adminURL, *pgDB); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-embedded: creating database:", err)
		stopPostgres()
		os.Exit(1)
	}

	pgURL := fmt.Sprintf(
		"postgres://%s@127.0.0.1:%d/%s?sslmode=disable&pool_max_conns=%d&options=%s",
		*pgUser, *pgPort, *pgDB, *poolMax, urlQueryEscape("-c statement_timeout="+*statementTimeout),
	)
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Logger:        logger,
		Handler:       "postgresql",
		PostgreSQLURL: pgURL,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb-embedded:", err)
		stopPostgres()
		os.Exit(1)
	}

	runCtx, cancelRun := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(runCtx)
	}()

	fmt.Printf("LISTENING %s\n", f.MongoDBURI())
	fmt.Printf("POSTGRES postgres://%s@127.0.0.1:%d/%s\n", *pgUser, *pgPort, *pgDB)

	code := 0
	select {
	case <-ctx.Done():
	case err := <-pgExited:
		fmt.Fprintln(os.Stderr, "ferretdb-embedded: postgres exited:", err)
		code = 1
	}
	cancelRun()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
	stopPostgres()
	os.Exit(code)
}

func waitForPostgres(ctx context.Context, url string, exited <-chan error) error {
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := pgx.Connect(ctx, url)
		if err == nil {
			_ = c.Close(ctx)
			return nil
		}
		select {
		case e := <-exited:
			return fmt.Errorf("postgres exited during start: %v", e)
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("postgres does not accept connections: %w", err)
		}
	}
}

func ensureDatabase(ctx context.Context, adminURL, name string) error {
	c, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	var exists bool
	if err := c.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return err
	}
	if !exists {
		if _, err := c.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" ENCODING 'UTF8'"); err != nil {
			var already interface{ SQLState() string }
			if !(errors.As(err, &already) && already.SQLState() == "42P04") {
				return err
			}
		}
	}
	return nil
}

func urlQueryEscape(s string) string {
	r := strings.NewReplacer("%", "%25", " ", "%20", "=", "%3D", "&", "%26", "+", "%2B")
	return r.Replace(s)
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
