"""python3 -m emulator.aws [--env-file FILE] [--tls] [--fixtures DIR]

Starts the emulators, writes shell exports (AWS_ENDPOINT_URL_*, credentials, region, the
control URL, and SSL_CERT_FILE with --tls) to FILE (or stdout) and runs until killed."""

import argparse
import os
import shlex
import signal
import sys
import threading

from .emulator import AwsEmulator


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python3 -m emulator.aws", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--env-file", help="write shell exports here (default: stdout)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a throw-away CA")
    parser.add_argument("--fixtures", help="fixture folder holding rekognition/ and kvs/")
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args(argv)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    with AwsEmulator(fixtures_dir=args.fixtures, tls=args.tls, region=args.region) as emu:
        text = "".join("export %s=%s\n" % (k, shlex.quote(v)) for k, v in sorted(emu.env.items()))
        if args.env_file:
            tmp = args.env_file + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(text)
            os.replace(tmp, args.env_file)   # readers never see a half-written file
        else:
            sys.stdout.write(text)
            sys.stdout.flush()
        while not stop.wait(0.1):
            pass
    return 0


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    os._exit(code)   # everything is stopped; skip the slow teardown of moto's many modules
