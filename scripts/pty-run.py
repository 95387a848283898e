#!/usr/bin/env python3
"""Runs a program in a pseudo-terminal and times it, for scripts/bench.mjs.

Node cannot open a pseudo-terminal without a native module; Python's standard library can, and
it lets this helper watch the program's output as a stream (no screen polling) and read the
terminal's mode directly (tcgetattr on the master side shows when the program enables raw mode).

Usage: pty-run.py SCRIPT_JSON -- PROGRAM ARGS...
SCRIPT_JSON: {"columns": 120, "rows": 40, "timeoutMs": 30000,
              "steps": [{"waitFor": "text", "mark": "name", "keys": "\r", "settleMs": 50}, ...]}
Each step waits until `waitFor` has appeared in the output (ANSI sequences removed, searched
from where the previous step's text was found) and records the time as `mark`; with `keys` it
then waits for raw mode (recorded as `mark` + ":raw") and writes the keys.
Prints one JSON line: {"marks": {name: ms since spawn}, "exitCode": n, "maxRssKb": n} (peak RSS
from wait4, the program's own process). Exits 1 with {"error": ...} on a timeout.
"""
import array
import json
import os
import pty
import re
import select
import signal
import struct
import sys
import termios
import fcntl
import time

TIOCGPTN = 0x80045430  # Linux: the number of a pseudo-terminal's /dev/pts/N
ANSI = re.compile(rb'\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[@-Z\\-_]')


def main():
    separator = sys.argv.index('--')
    script = json.loads(sys.argv[1])
    argv = sys.argv[separator + 1:]
    columns, rows = script.get('columns', 120), script.get('rows', 40)
    deadline_ms = script.get('timeoutMs', 30000)
    steps = script.get('steps', [])

    started = time.monotonic()
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(argv[0], argv)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack('HHHH', rows, columns, 0, 0))

    def elapsed():
        return (time.monotonic() - started) * 1000

    # The terminal side's name, to ask how many written keys the program has not read yet.
    slave_name = '/dev/pts/%d' % struct.unpack('I', fcntl.ioctl(fd, TIOCGPTN, b'\0\0\0\0'))[0]

    last_write = None

    def wait_until_read():
        # Keys a program reads together arrive as one chunk, and Ink makes a chunk such as "1\r"
        # one paste-like input (not "1", then Enter): a person's keys come one by one, so the next
        # key is written only once the program has read the one before. A key is in the terminal's
        # input queue (where FIONREAD counts it) a moment after the write, not at once.
        if last_write is None:
            return
        while time.monotonic() - last_write < 0.005:
            time.sleep(0.0005)
        slave = os.open(slave_name, os.O_RDWR | os.O_NOCTTY)
        try:
            unread = array.array('i', [0])
            while True:
                fcntl.ioctl(slave, termios.FIONREAD, unread, True)
                if unread[0] == 0 or elapsed() > deadline_ms:
                    return
                time.sleep(0.0005)
        finally:
            os.close(slave)

    marks = {}
    raw_output = b''
    searched_from = 0
    step_index = 0
    status = None
    rusage = None
    done = 0
    text = b''

    def fail(message):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        tail = ANSI.sub(b'', raw_output)[-1500:].decode('utf-8', 'replace')
        print(json.dumps({'error': message, 'marks': marks, 'screenTail': tail}))
        sys.exit(1)

    while True:
        if elapsed() > deadline_ms:
            fail(f'timed out after {deadline_ms} ms at step {step_index}')
        ready, _, _ = select.select([fd], [], [], 0.001)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b''
            if not chunk:
                break
            raw_output += chunk
            text = ANSI.sub(b'', raw_output)
        while step_index < len(steps):
            step = steps[step_index]
            found = text.find(step['waitFor'].encode(), searched_from)
            if found < 0:
                break
            searched_from = found + len(step['waitFor'].encode())
            if 'mark' in step:
                marks[step['mark']] = elapsed()
            if 'keys' in step:
                # Before the ":raw" mark, so a time measured from that mark starts when the key is written.
                wait_until_read()
                while termios.tcgetattr(fd)[3] & termios.ICANON:
                    if elapsed() > deadline_ms:
                        fail('raw mode never came')
                    time.sleep(0.0005)
                if 'mark' in step:
                    marks[step['mark'] + ':raw'] = elapsed()
                # settleMs: first wait until the program has written nothing for that long (a
                # frame's text is on screen before the component that reads keys is listening).
                quiet_since = time.monotonic()
                while (time.monotonic() - quiet_since) * 1000 < step.get('settleMs', 0):
                    if select.select([fd], [], [], 0.005)[0]:
                        more = os.read(fd, 65536)
                        if more:
                            raw_output += more
                            quiet_since = time.monotonic()
                text = ANSI.sub(b'', raw_output)
                # One key a write, as a person types: a chunk of several characters reaches the
                # program as one paste-like input event.
                keys = [step['keys']] if step['keys'].startswith('\x1b') else list(step['keys'])
                for index, key in enumerate(keys):
                    if index:
                        time.sleep(0.01)
                        wait_until_read()
                    os.write(fd, key.encode())
                    last_write = time.monotonic()
            step_index += 1
        done, status, rusage = os.wait4(pid, os.WNOHANG)
        if done:
            break
    if not done:
        _, status, rusage = os.wait4(pid, 0)
    marks['exit'] = elapsed()
    if step_index < len(steps):
        fail(f'the program exited before step {step_index} ({steps[step_index]["waitFor"]!r})')
    print(json.dumps({'marks': marks, 'exitCode': os.waitstatus_to_exitcode(status), 'maxRssKb': rusage.ru_maxrss}))


if __name__ == '__main__':
    main()
