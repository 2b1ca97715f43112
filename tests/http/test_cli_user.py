"""`gazette user` and `gazette token`: accounts and API tokens from the
shell, their exit codes and messages, and that what they do holds on the
running site (a new user can log in, a disabled one cannot, a revoked token
stops working)."""

import re
import subprocess
import time

import harness
from harness import Site, check, check_eq, sanitizer_env


def run(site, *args, input=None):
    """gazette ARGS --db SITE; returns (rc, stdout, stderr)."""
    cmd = [harness.GAZETTE] + [str(a) for a in args] + ["--db", site.db]
    p = subprocess.run(cmd, input=(input or "").encode(), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=sanitizer_env(), timeout=60)
    out, err = p.stdout.decode(), p.stderr.decode()
    rep = harness.sanitizer_report(err)
    check(rep is None, "sanitizer report from %s: %s" % (args, rep))
    return p.returncode, out, err


def user_row(site, name):
    rows = site._query("SELECT role, disabled, pass_hash, display_name, email "
                       "FROM authors WHERE name = '%s'" % name.replace("'", "''"))
    return rows[0] if rows else None


def test_user_add_and_list():
    site = Site("cliuser")
    rc, out, err = run(site, "user", "add", "alice", "--role", "admin",
                       "--display-name", "Alice A.", "--email", "alice@example.org",
                       input="correct horse\n")
    check_eq(rc, 0, "user add: %s" % err)
    check_eq(out.strip(), "created user alice (admin)", "user add output")
    role, disabled, pw, display, email = user_row(site, "alice")
    check_eq((role, disabled, display, email), ("admin", 0, "Alice A.", "alice@example.org"),
             "stored user")
    check(pw.startswith("$argon2id$"), "password stored as argon2id: %r" % pw[:20])
    check("correct horse" not in pw, "password not stored in clear")
    # Options may also come before the subcommand (how Site.cli calls it).
    site.add_user("bob", "contributor")
    rc, out, err = run(site, "user", "list")
    check_eq(rc, 0, "user list")
    lines = out.splitlines()
    check(re.match(r"\s*ID\s+NAME\s+ROLE\s+STATE", lines[0]), "header: %r" % lines[0])
    check(any(re.search(r"\balice\s+admin\s+enabled\s+Alice A\.", l) for l in lines),
          "alice listed: %r" % out)
    check(any(re.search(r"\bbob\s+contributor\s+enabled", l) for l in lines),
          "bob listed: %r" % out)


def test_user_add_errors():
    site = Site("cliusererr")
    site.add_user("alice", "editor")
    rc, _, err = run(site, "user", "add", "x", "--role", "boss", input="password123\n")
    check_eq(rc, 2, "unknown role")
    check("unknown role 'boss'" in err and "contributor" in err, "message: %r" % err)
    rc, _, err = run(site, "user", "add", "x", input="password123\n")
    check_eq(rc, 2, "no --role")
    check("needs --role" in err, "message: %r" % err)
    rc, _, err = run(site, "user", "add", "alice", "--role", "admin", input="password123\n")
    check_eq(rc, 1, "duplicate name")
    check("user 'alice' already exists" in err, "message: %r" % err)
    check_eq(user_row(site, "alice")[0], "editor", "the existing user is unchanged")
    rc, _, err = run(site, "user", "add", "carol", "--role", "author", input="short\n")
    check_eq(rc, 1, "short password")
    check("password must have 8 to 1024 characters" in err, "message: %r" % err)
    check(user_row(site, "carol") is None, "no user made with a short password")
    rc, _, err = run(site, "user", "add", "carol", "--role", "author", input="x" * 2000 + "\n")
    check_eq(rc, 1, "long password")
    check("8 to 1024" in err, "message: %r" % err)
    rc, _, err = run(site, "user", "add", "carol", "--role", "author", input="")
    check_eq(rc, 1, "no password at all")
    check("no password" in err, "message: %r" % err)
    rc, _, err = run(site, "user", "add", "carol", "--role", "author", "--email", "nope",
                     input="password123\n")
    check_eq(rc, 2, "bad e-mail")
    check("not an e-mail address" in err, "message: %r" % err)
    rc, _, err = run(site, "user", "add", "a" * 65, "--role", "author", input="password123\n")
    check_eq(rc, 2, "name too long")
    check("1 to 64 characters" in err, "message: %r" % err)
    rc, _, err = run(site, "user", "frob")
    check_eq(rc, 2, "unknown subcommand")
    check("unknown subcommand 'frob'" in err, "message: %r" % err)
    rc, _, err = run(site, "user", "passwd", "nobody", input="password123\n")
    check_eq(rc, 1, "passwd of an unknown user")
    check("no user 'nobody'" in err, "message: %r" % err)


def test_existing_author_becomes_user():
    site = Site("cliauthor")
    site.new("By Jane", body="text", author="Jane Doe", publish=True)
    check_eq(user_row(site, "Jane Doe")[2], "", "an author from `new` has no password")
    rc, out, err = run(site, "user", "add", "Jane Doe", "--role", "author",
                       input="password123\n")
    check_eq(rc, 0, "user add over an author: %s" % err)
    check("existing author can now log in" in out, "output: %r" % out)
    check_eq(len(site._query("SELECT id FROM authors WHERE name = 'Jane Doe'")), 1,
             "one row for Jane Doe")
    srv = site.serve()
    srv.admin_login("Jane Doe", "password123")
    srv.stop()


def test_passwd_role_disable_enable_on_a_running_site():
    site = Site("clilive")
    site.add_user("alice", "admin")
    site.add_user("bob", "editor", password="bobs-password")
    srv = site.serve()
    bob = srv.admin_login("bob", "bobs-password")
    check_eq(bob.get("/admin").status, 200, "bob's session works")
    check_eq(bob.get("/admin/users").status, 403, "an editor cannot manage users")

    rc, out, err = run(site, "user", "role", "bob", "admin")
    check_eq(rc, 0, "user role: %s" % err)
    check_eq(out.strip(), "bob is now admin", "output")
    check(bob.get("/admin/users").status != 403, "the new role applies at once")
    rc, _, err = run(site, "user", "role", "bob", "king")
    check_eq(rc, 2, "user role with an unknown role")

    rc, out, err = run(site, "user", "passwd", "bob", input="new-password-1\n")
    check_eq(rc, 0, "user passwd: %s" % err)
    r = bob.get("/admin")
    check_eq(r.status, 303, "a password change ends the sessions")
    check(r.header("location").startswith("/admin/login"), "to the login page")
    check_eq(srv.admin_client().login("bob", "bobs-password").status, 401, "old password")
    bob = srv.admin_login("bob", "new-password-1")

    rc, out, err = run(site, "user", "disable", "bob")
    check_eq(rc, 0, "user disable: %s" % err)
    check_eq(bob.get("/admin").status, 303, "a disabled user's session stops working")
    check_eq(srv.admin_client().login("bob", "new-password-1").status, 401,
             "a disabled user cannot log in")
    rc, out, _ = run(site, "user", "list")
    check(re.search(r"\bbob\s+admin\s+disabled", out), "list shows disabled: %r" % out)
    rc, out, err = run(site, "user", "enable", "bob")
    check_eq(rc, 0, "user enable: %s" % err)
    srv.admin_login("bob", "new-password-1")
    srv.stop()


def test_cli_warns_when_no_admin_is_left():
    site = Site("clilastadmin")
    site.add_user("alice", "admin")
    rc, _, err = run(site, "user", "role", "alice", "editor")
    check_eq(rc, 0, "the CLI may demote the last admin (it is the way back in)")
    check("no enabled administrator" in err, "warning: %r" % err)


def test_token_add_list_revoke():
    site = Site("clitoken")
    site.add_user("alice", "editor")
    site.add_user("off", "author")
    run(site, "user", "disable", "off")
    rc, out, err = run(site, "token", "add", "alice", "--name", "importer")
    check_eq(rc, 0, "token add: %s" % err)
    secret = out.strip()
    check(re.fullmatch(r"gz_[0-9a-f]{64}", secret), "the secret alone on stdout: %r" % out)
    check("shown only once" in err, "note on stderr: %r" % err)
    stored = site._query("SELECT hex(token_hash), name FROM api_tokens")
    check_eq(len(stored), 1, "one token stored")
    check(secret[3:] not in stored[0][0].lower(), "only the hash is stored")
    rc, out2, _ = run(site, "token", "add", "alice", "--name", "second")
    check_eq(rc, 0, "second token")
    check(out2.strip() != secret, "each token is new")

    rc, out, _ = run(site, "token", "list")
    check_eq(rc, 0, "token list")
    check(re.search(r"^\s*1\s+alice\s+.*\bnever\s+importer$", out, re.M), "listed: %r" % out)
    rc, out, _ = run(site, "token", "list", "alice")
    check_eq(rc, 0, "token list alice")
    check("second" in out, "list by user: %r" % out)
    rc, _, err = run(site, "token", "list", "nobody")
    check_eq(rc, 1, "token list of an unknown user")

    rc, _, err = run(site, "token", "add", "alice")
    check_eq(rc, 2, "token add without --name")
    check("--name" in err, "message: %r" % err)
    rc, _, err = run(site, "token", "add", "nobody", "--name", "x")
    check_eq(rc, 1, "token for an unknown user")
    check("no user 'nobody'" in err, "message: %r" % err)
    rc, _, err = run(site, "token", "add", "off", "--name", "x")
    check_eq(rc, 1, "token for a disabled user")
    check("disabled" in err, "message: %r" % err)

    # Revoking deletes the row; on a running site with the JSON API the
    # token is then refused at once.
    srv = site.serve()
    h = {"Authorization": "Bearer " + secret}
    api = srv.get("/api/v1/articles").status == 401  # the API is there
    if api:
        check(srv.get("/api/v1/articles", headers=h).status != 401,
              "a valid token is accepted")
    rc, out, err = run(site, "token", "revoke", "1")
    check_eq(rc, 0, "token revoke: %s" % err)
    check_eq(out.strip(), "token 1 revoked", "output")
    check_eq([n for (n,) in site._query("SELECT name FROM api_tokens")], ["second"],
             "the revoked token is gone from the store")
    if api:
        check_eq(srv.get("/api/v1/articles", headers=h).status, 401,
                 "a revoked token is refused")
    rc, _, err = run(site, "token", "revoke", "1")
    check_eq(rc, 1, "revoking twice")
    check("no token 1" in err, "message: %r" % err)
    rc, _, err = run(site, "token", "revoke", "abc")
    check_eq(rc, 2, "revoke with a bad ID")
    srv.stop()


def test_help_and_man_page():
    site = Site("cliuserhelp")
    for cmd in ("user", "token"):
        rc, out, _ = run(site, cmd, "--help")
        check_eq(rc, 0, "%s --help" % cmd)
        check(out.startswith("usage: gazette %s" % cmd), "usage: %r" % out[:60])
    p = subprocess.run([harness.GAZETTE, "help", "--man"], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=sanitizer_env(), timeout=60)
    man = p.stdout.decode()
    check_eq(p.returncode, 0, "help --man")
    check(".SS user" in man and ".SS token" in man, "the man page lists user and token")
    check(r"gazette user add NAME \-\-role" in man, "user add's usage in the man page")
    check(r"gazette token add USER \-\-name NAME" in man, "token add's usage in the man page")


def prompt_session(site, args, lines):
    """Runs gazette with a terminal as stdin (a pty); answers each prompt
    with the next line. Returns (rc, everything the terminal showed)."""
    import os
    import pty
    import select
    master, slave = pty.openpty()
    cmd = [harness.GAZETTE] + args + ["--db", site.db]
    p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave, env=sanitizer_env(),
                         close_fds=True)
    os.close(slave)
    shown = b""
    pending = list(lines)
    answered = 0  # the length of shown when the last line was typed
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.5)
        if r:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
            # Type only at a prompt shown since the last answer: the newline
            # echoed after an answer (ECHONL) must not pass for the next
            # prompt, or the line arrives while echo is back on.
            if pending and shown[answered:].rstrip().endswith(b":"):
                os.write(master, (pending.pop(0) + "\n").encode())
                answered = len(shown)
        elif p.poll() is not None:
            break
    try:
        rc = p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait()
        raise harness.TestFailure("no exit; the terminal showed %r" % shown)
    finally:
        os.close(master)
    text = shown.decode("utf-8", "replace")
    rep = harness.sanitizer_report(text)
    check(rep is None, "sanitizer report: %s" % rep)
    return rc, text


def test_password_prompt_on_a_terminal():
    site = Site("cliprompt")
    rc, shown = prompt_session(site, ["user", "add", "tty", "--role", "author"],
                               ["typed-secret-1", "typed-secret-2"])
    check_eq(rc, 1, "two different passwords: %r" % shown)
    check("Password again:" in shown, "asked twice: %r" % shown)
    check("differ" in shown, "message: %r" % shown)
    check("typed-secret" not in shown, "the password is not echoed: %r" % shown)
    check(user_row(site, "tty") is None, "nothing created")
    rc, shown = prompt_session(site, ["user", "add", "tty", "--role", "author"],
                               ["typed-secret-1", "typed-secret-1"])
    check_eq(rc, 0, "the same password twice: %r" % shown)
    check("created user tty (author)" in shown, "output: %r" % shown)
    check("typed-secret" not in shown, "not echoed")
