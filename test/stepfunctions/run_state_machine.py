#!/usr/bin/env python3
"""Runs an Amazon States Language definition in moto's Step Functions interpreter, with every Lambda
invoke it makes sent to an HTTP endpoint that runs the real function. Prints one JSON document.

    python3 run_state_machine.py DEFINITION.asl.json --endpoint http://127.0.0.1:5000/ \
        --function ExportFunctionArn --input '{"time": "2026-11-01T00:00:00Z"}' --wait-scale 0

DEFINITION is ASL JSON. `${Name}` placeholders are replaced as SAM's DefinitionSubstitutions do:
  --function NAME     creates a Lambda function stub in moto and substitutes its ARN for ${NAME}
                      (the stub is named NAME without a trailing "Arn"); repeatable;
  --substitute N=V    substitutes the text V for ${N}; repeatable.
A placeholder left unsubstituted is a harness error, as it would be a deploy error.

The endpoint contract, one POST a Lambda invoke (it mirrors Lambda's own Invoke API):
  request   POST <endpoint>, body = the payload the state machine built (JSON), headers
            Content-Type: application/json and X-Function-Name: <stub name>.
  answer    200 and the function's output as the body: the invoke succeeded.
            200 with header X-Amz-Function-Error: Unhandled (or Handled) and a body
            {"errorType": "...", "errorMessage": "..."[, "stackTrace": [...]]}: the function failed.
                Step Functions sees Error = errorType, Cause = the body as compact JSON.
                A body without errorType (what Lambda returns for a timeout or out of memory) is
                Error = "Lambda.Unknown", as AWS reports it (moto alone would say "Exception").
            A result over 256 KB is States.DataLimitExceeded, which (as in AWS) States.ALL does not catch.
            429, or 5xx: the Lambda service failed the invoke (the function did not run). The error
                code is the X-Amzn-ErrorType header (as Lambda's API sends it), else
                TooManyRequestsException for 429 and ServiceException for 5xx; the message is the
                body's "message"/"Message"/"errorMessage", else the body text. Step Functions sees
                Error = "Lambda.<code>", Cause = "<message> (Service: AWSLambda; Status Code: ...)".
            Any other status, or no answer: a harness error (a wrong URL, a dead endpoint).

Where moto's interpreter differs from AWS on something a definition like #13's relies on, the harness
corrects it, each in one small function below: Lambda.Unknown (above); States.ALL not catching
States.DataLimitExceeded or States.Runtime. What it leaves as moto does is listed in README.md here.

Waits: moto's interpreter really sleeps between Retry attempts (IntervalSeconds, BackoffRate,
MaxDelaySeconds, JitterStrategy) and in Wait states. --wait-scale F multiplies those sleeps by F
(default 1, real time; tests pass 0). The definition is not changed: every wait it asked for is
reported, unscaled, in "waits". TimeoutSeconds (a Task's or the machine's) is never scaled.

Output, on stdout: {"status", "output", "error", "cause", "invocations", "transitions", "states",
"waits", "history", "elapsedSeconds", "harnessError"}. Exit 0 when the execution ended, whatever its
status (a status is data); 2 when the harness itself failed (bad arguments, a definition moto rejects,
an endpoint that did not answer per the contract, an execution still running after --timeout); the
document is still printed when there is one, with "harnessError" saying what went wrong.

Needs Python 3.10+ with moto 5.2 (moto[stepfunctions], which carries LocalStack's ASL interpreter)
and boto3. Nothing leaves the process but the POSTs to the endpoint.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import json
import os
import re
import sys
import threading
import time
import urllib.error
import urllib.request
from typing import Any
from unittest import mock

REGION = "us-east-1"
PLACEHOLDER = re.compile(r"\$\{([A-Za-z0-9_.:-]+)\}")
SERVICE_ERROR_CODES = {429: "TooManyRequestsException"}


class HarnessError(Exception):
    """The harness could not do its job; distinct from the execution failing, which is a result."""


def substitute(definition: str, substitutions: dict[str, str]) -> str:
    """SAM's DefinitionSubstitutions: each ${Name} becomes its value; one left over is an error."""
    missing = sorted({m.group(1) for m in PLACEHOLDER.finditer(definition)} - substitutions.keys())
    if missing:
        raise HarnessError(f"the definition has placeholders with no substitution: {', '.join(missing)} "
                           "(pass --function NAME or --substitute NAME=VALUE)")
    return PLACEHOLDER.sub(lambda m: substitutions[m.group(1)], definition)


def stub_name(placeholder: str) -> str:
    return placeholder[:-3] if placeholder.endswith("Arn") and len(placeholder) > 3 else placeholder


def _json_or_text(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body.decode("utf-8", errors="replace")


class Endpoint:
    """POSTs each invoke to the endpoint and keeps the record of every call, in order."""

    def __init__(self, url: str, invoke_timeout: float):
        self.url = url
        self.invoke_timeout = invoke_timeout
        self.invocations: list[dict[str, Any]] = []
        self.harness_errors: list[str] = []
        self._lock = threading.Lock()
        # A proxy from the environment must not see loopback calls.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def post(self, function_name: str, body: bytes) -> tuple[int, dict[str, str], bytes, dict[str, Any]]:
        """The answer's status, headers (names in lower case) and body, and the record of the call."""
        record: dict[str, Any] = {"function": function_name, "payload": _json_or_text(body), "status": None,
                                  "result": None, "functionError": None, "serviceError": None, "seconds": None}
        with self._lock:
            self.invocations.append(record)
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "X-Function-Name": function_name})
        started = time.monotonic()
        try:
            with self._opener.open(request, timeout=self.invoke_timeout) as response:
                status, headers, answer = response.status, dict(response.headers.items()), response.read()
        except urllib.error.HTTPError as error:
            status, headers, answer = error.code, dict(error.headers.items()), error.read()
        except Exception as error:  # connection refused, timeout: the endpoint is not there
            record["harnessError"] = f"POST {self.url} failed: {error!r}"
            raise self.fail(record["harnessError"]) from error
        record["seconds"] = round(time.monotonic() - started, 3)
        record["status"] = status
        record["result"] = _json_or_text(answer)
        return status, {k.lower(): v for k, v in headers.items()}, answer, record

    def fail(self, message: str) -> HarnessError:
        with self._lock:
            self.harness_errors.append(message)
        return HarnessError(message)


def _lambda_invoke_replacement(endpoint: Endpoint):
    """Replaces moto's LambdaFunction.invoke: the one place every Lambda invoke of the interpreter passes."""
    from moto.core.exceptions import JsonRESTError

    class LambdaServiceError(JsonRESTError):
        def __init__(self, status: int, code: str, message: str):
            super().__init__(code, message)
            self.code = status

    def invoke(function, body, request_headers, response_headers):
        payload = body if isinstance(body, bytes) else (body or "{}").encode("utf-8")
        status, headers, answer, record = endpoint.post(function.function_name, payload)
        if status == 200:
            function_error = headers.get("x-amz-function-error")
            if function_error:
                record["functionError"] = function_error
                response_headers["x-amz-function-error"] = function_error
            return answer
        if status == 429 or 500 <= status <= 599:
            code = headers.get("x-amzn-errortype", "").split(":")[0] or SERVICE_ERROR_CODES.get(status, "ServiceException")
            parsed = _json_or_text(answer)
            message = next((parsed[k] for k in ("message", "Message", "errorMessage") if isinstance(parsed, dict) and k in parsed),
                           parsed if isinstance(parsed, str) else json.dumps(parsed))
            record["serviceError"] = code
            raise LambdaServiceError(status, code, str(message))
        raise endpoint.fail(f"the endpoint answered HTTP {status} to the invoke of {function.function_name}; "
                            "the contract is 200, 429 or 5xx")

    return invoke


def _lambda_unknown_from_error():
    """Lambda reports a function error without an errorType (a timeout, out of memory) as Lambda.Unknown;
    moto's interpreter says "Exception". This wraps its translation of a function error to say what AWS says."""
    from moto.stepfunctions.parser.asl.component.common.error_name.custom_error_name import CustomErrorName
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_lambda import (
        StateTaskServiceLambda)

    original = StateTaskServiceLambda._from_error

    def has_error_type(payload: str) -> bool:
        try:
            parsed = json.loads(payload)
        except ValueError:
            return False
        return isinstance(parsed, dict) and isinstance(parsed.get("errorType"), str)

    def from_error(self, env, ex):
        event = original(self, env, ex)
        if isinstance(ex, lambda_eval_utils.LambdaFunctionErrorException) and not has_error_type(ex.payload):
            event.error_name = CustomErrorName("Lambda.Unknown")
            details = event.event_details.get("taskFailedEventDetails")
            if details is not None:
                details["error"] = "Lambda.Unknown"
        return event

    return mock.patch.object(StateTaskServiceLambda, "_from_error", from_error)


UNCATCHABLE_BY_ALL = ("States.DataLimitExceeded", "States.Runtime")


def _states_all_leaves_terminal_errors():
    """In AWS, States.ALL does not catch (or retry) States.DataLimitExceeded and States.Runtime: the execution
    fails at once. moto's interpreter lets States.ALL match them, which would run a Catch that AWS never runs.
    An ErrorEquals naming either error explicitly still matches it."""
    from moto.stepfunctions.parser.asl.component.common.error_name.error_equals_decl import ErrorEqualsDecl

    original = ErrorEqualsDecl._eval_body

    def eval_body(self, env):
        error_name = env.stack[-1] if env.stack else None
        name = getattr(error_name, "error_name", None)
        if name in UNCATCHABLE_BY_ALL and all(n.error_name != name for n in self.error_names):
            env.stack.pop()
            env.stack.append(False)
            return
        original(self, env)

    return mock.patch.object(ErrorEqualsDecl, "_eval_body", eval_body)


class Waits:
    """Records every sleep the interpreter asks for and sleeps it times the scale."""

    def __init__(self, scale: float):
        self.scale = scale
        self.requested: list[dict[str, Any]] = []

    def retry_clock(self):
        waits = self

        class Clock:
            def __getattr__(self, name):
                return getattr(time, name)

            @staticmethod
            def sleep(seconds: float) -> None:
                waits.requested.append({"kind": "retry", "seconds": seconds})
                if seconds * waits.scale > 0:
                    time.sleep(seconds * waits.scale)

        return Clock()

    def wait_state(self):
        waits = self

        def wait_interval(function, env, wait_seconds):
            waits.requested.append({"kind": "wait", "seconds": wait_seconds})
            if wait_seconds * waits.scale > 0:
                env.program_state_event.wait(wait_seconds * waits.scale)

        return wait_interval


def _cached_json_path_parsers():
    """jsonpath_ng builds its whole LALR table again for every parse (about 60 ms), and the interpreter parses
    each path each time a state runs, which was most of a loop's time. A parsed path is a plain value: keep it."""
    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.utils import json_path

    stack = contextlib.ExitStack()
    for module in (json_path, result_path):
        cached = _PARSE_CACHES.setdefault((module.__name__, module.parse), functools.lru_cache(maxsize=None)(module.parse))
        stack.enter_context(mock.patch.object(module, "parse", cached))
    return stack


_PARSE_CACHES: dict[tuple[str, Any], Any] = {}


def _reused_service_clients():
    """The interpreter makes a new boto3 client for every Lambda invoke (about 30 ms each); within one run,
    one client a service and region serves them all (boto3 clients are thread-safe)."""
    from moto.stepfunctions.parser.asl.utils import boto_client

    clients: dict[tuple[Any, ...], Any] = {}
    lock = threading.Lock()

    class Boto3:
        def __getattr__(self, name):
            import boto3
            return getattr(boto3, name)

        @staticmethod
        def client(**kwargs):
            import boto3
            key = (kwargs.get("service_name"), kwargs.get("region_name"), kwargs.get("endpoint_url"))
            with lock:
                if key not in clients:
                    clients[key] = boto3.client(**kwargs)
                return clients[key]

    return mock.patch.object(boto_client, "boto3", Boto3())


def _quiet_moto_logging() -> None:
    # The interpreter logs every caught failure at ERROR with its whole parse tree; stderr is for the harness.
    import logging
    logging.getLogger("moto.stepfunctions").setLevel(logging.CRITICAL)


def _isolate_from_aws_environment() -> None:
    """Nothing here may reach AWS or read the user's AWS configuration."""
    for name in list(os.environ):
        if name.startswith("AWS_ENDPOINT_URL") or name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN"):
            del os.environ[name]
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION=REGION,
                      AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)


def _history_event(event: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, datetime.datetime) else v) for k, v in event.items()}


def _parsed(text: str | None) -> Any:
    return None if text is None else _json_or_text(text.encode("utf-8"))


def _states(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each state entered, in order, with its input and (once it exited) its output."""
    states: list[dict[str, Any]] = []
    open_states: dict[str, dict[str, Any]] = {}
    for event in history:
        kind = event["type"]
        if kind.endswith("StateEntered"):
            details = event["stateEnteredEventDetails"]
            state = {"name": details["name"], "type": kind[: -len("StateEntered")], "input": _parsed(details.get("input"))}
            states.append(state)
            open_states[details["name"]] = state
        elif kind.endswith("StateExited"):
            details = event["stateExitedEventDetails"]
            state = open_states.pop(details["name"], None)
            if state is not None:
                state["output"] = _parsed(details.get("output"))
    return states


def run(definition: str, execution_input: str, endpoint_url: str, functions: list[str] | None = None,
        substitutions: dict[str, str] | None = None, wait_scale: float = 1.0, timeout: float = 600.0,
        invoke_timeout: float = 960.0) -> dict[str, Any]:
    """Runs one execution to its end; returns the result document. Raises HarnessError when it cannot."""
    _isolate_from_aws_environment()
    import boto3
    from botocore.exceptions import ClientError
    from moto import mock_aws
    from moto.awslambda.models import LambdaFunction
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function.wait_function import WaitFunction
    from moto.stepfunctions.parser.asl.utils.encoding import to_json_str
    from moto.stepfunctions.parser.backend.execution import BaseExecutionWorkerCommunication
    _quiet_moto_logging()

    try:
        json.loads(execution_input)
    except ValueError as error:
        raise HarnessError(f"the execution input is not JSON: {error}") from error
    endpoint = Endpoint(endpoint_url, invoke_timeout)
    waits = Waits(wait_scale)
    ended = threading.Event()
    reflect_end = BaseExecutionWorkerCommunication.terminated

    def terminated(communication):
        reflect_end(communication)
        # moto's DescribeExecution cannot serialize an output holding a datetime ($$.Execution.StartTime):
        # give it the output as the interpreter's own encoder writes it.
        execution = communication.execution
        if execution.output is not None and not isinstance(execution.output, str):
            execution.output = to_json_str(execution.output)
        ended.set()
    result: dict[str, Any] = {}
    started = time.monotonic()
    with contextlib.ExitStack() as patches:
        patches.enter_context(mock.patch.object(LambdaFunction, "invoke", _lambda_invoke_replacement(endpoint)))
        patches.enter_context(_lambda_unknown_from_error())
        patches.enter_context(_states_all_leaves_terminal_errors())
        patches.enter_context(mock.patch.object(retrier_decl, "time", waits.retry_clock()))
        patches.enter_context(mock.patch.object(WaitFunction, "_wait_interval", waits.wait_state()))
        patches.enter_context(_cached_json_path_parsers())
        patches.enter_context(_reused_service_clients())
        # Told when the execution ends, rather than asking: polling through the API takes the CPU the interpreter needs.
        patches.enter_context(mock.patch.object(BaseExecutionWorkerCommunication, "terminated", terminated))
        patches.enter_context(mock_aws(config={"stepfunctions": {"execute_state_machine": True}}))

        role = boto3.client("iam", region_name=REGION).create_role(
            RoleName="state-machine-harness",
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [{
                "Effect": "Allow", "Principal": {"Service": ["lambda.amazonaws.com", "states.amazonaws.com"]},
                "Action": "sts:AssumeRole"}]}))["Role"]["Arn"]
        lambda_client = boto3.client("lambda", region_name=REGION)
        values = dict(substitutions or {})
        for placeholder in functions or []:
            values[placeholder] = lambda_client.create_function(
                FunctionName=stub_name(placeholder), Runtime="dotnet8", Role=role, Handler="stub",
                Code={"ZipFile": b"stub"}, Timeout=900)["FunctionArn"]
        sfn = boto3.client("stepfunctions", region_name=REGION)
        try:
            machine = sfn.create_state_machine(name="harness", definition=substitute(definition, values),
                                               roleArn=role, type="STANDARD")["stateMachineArn"]
        except ClientError as error:
            raise HarnessError(f"moto rejected the definition: {error}") from error
        execution = sfn.start_execution(stateMachineArn=machine, name="harness-execution",
                                        input=execution_input)["executionArn"]

        deadline = started + timeout
        while (described := sfn.describe_execution(executionArn=execution))["status"] == "RUNNING":
            if time.monotonic() > deadline:
                break
            ended.wait(min(0.5, max(0.0, deadline - time.monotonic())))
        history = [_history_event(e) for e in sfn.get_execution_history(executionArn=execution)["events"]]

        states = _states(history)
        result = {
            "status": described["status"],
            "output": _parsed(described.get("output")),
            "error": described.get("error"),
            "cause": described.get("cause"),
            "invocations": list(endpoint.invocations),
            "transitions": [s["name"] for s in states],
            "states": states,
            "waits": list(waits.requested),
            "history": history,
            "elapsedSeconds": round(time.monotonic() - started, 3),
            "harnessError": None,
        }
    if endpoint.harness_errors:
        result["harnessError"] = "; ".join(endpoint.harness_errors)
    elif result["status"] == "RUNNING":
        result["harnessError"] = f"the execution was still running after {timeout} s (--timeout)"
    return result


def _read_argument(value: str) -> str:
    """A JSON argument given inline, or as @path."""
    if value.startswith("@"):
        with open(value[1:], encoding="utf-8") as file:
            return file.read()
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("definition", help="ASL definition file (JSON)")
    parser.add_argument("--endpoint", required=True, help="URL each Lambda invoke is POSTed to")
    parser.add_argument("--input", default="{}", help="execution input: JSON, or @file (default {})")
    parser.add_argument("--function", action="append", default=[], metavar="NAME",
                        help="${NAME} becomes the ARN of a Lambda stub routed to the endpoint; repeatable")
    parser.add_argument("--substitute", action="append", default=[], metavar="NAME=VALUE",
                        help="${NAME} becomes VALUE; repeatable")
    parser.add_argument("--wait-scale", type=float, default=1.0,
                        help="multiplies Retry and Wait sleeps (default 1: real time; 0: no sleeping)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the execution (default 600)")
    parser.add_argument("--invoke-timeout", type=float, default=960.0, help="seconds to wait for one POST (default 960)")
    args = parser.parse_args(argv)

    result: dict[str, Any] | None = None
    try:
        substitutions = {}
        for item in args.substitute:
            name, separator, value = item.partition("=")
            if not separator:
                raise HarnessError(f"--substitute {item!r} is not NAME=VALUE")
            substitutions[name] = value
        with open(args.definition, encoding="utf-8") as file:
            definition = file.read()
        result = run(definition, _read_argument(args.input), args.endpoint, args.function, substitutions,
                     args.wait_scale, args.timeout, args.invoke_timeout)
    except (HarnessError, OSError) as error:
        print(f"run_state_machine: {error}", file=sys.stderr)
        return 2
    except Exception:  # a fault of the harness or of moto: still exit 2, never 0 or 1 (which a status never is)
        import traceback
        traceback.print_exc()
        return 2
    json.dump(result, sys.stdout, ensure_ascii=False, default=str)
    sys.stdout.write("\n")
    if result["harnessError"]:
        print(f"run_state_machine: {result['harnessError']}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
