"""The harness against a fake function: a few lines of http.server answering per the endpoint contract.

    python3 -m unittest discover -s test/stepfunctions -v
"""
from __future__ import annotations

import http.server
import json
import os
import subprocess
import sys
import threading
import time
import unittest
from typing import Callable

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run_state_machine  # noqa: E402

SAMPLE = os.path.join(HERE, "sample.asl.json")
EVENT = {"time": "2026-11-01T00:00:00Z", "id": "evt-1"}

# One answer of the fake function: (status, headers, body).
Answer = tuple[int, dict[str, str], object]


def ok(body: object) -> Answer:
    return 200, {}, body


def function_error(error_type: str | None, message: str) -> Answer:
    body = {"errorMessage": message} if error_type is None else {"errorType": error_type, "errorMessage": message}
    return 200, {"X-Amz-Function-Error": "Unhandled"}, body


class FakeFunction:
    """An HTTP endpoint on 127.0.0.1 whose answer to each POST is `respond(payload)`."""

    def __init__(self, respond: Callable[[object], Answer]):
        self.respond = respond
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                status, headers, body = fake.respond(payload)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/invoke"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def exporter(slices: int, fail: Callable[[int], Answer | None] = lambda n: None) -> Callable[[object], Answer]:
    """The export function's shape: a continuation until `slices` invocations, then the summary; an abort is acknowledged.
    `fail(n)` may replace the answer to the invocation of slice n (counting from 1), once per call of the fake."""

    def respond(payload):
        if "abort" in payload:
            return ok({"aborted": True})
        n = payload["continuation"]["slice"] + 1 if "continuation" in payload else 1
        failure = fail(n)
        if failure is not None:
            return failure
        if n < slices:
            return ok({"continuation": {"state": f"s3://bucket/state/{EVENT['id']}.json", "slice": n, "event": EVENT}})
        return ok({"bucket": "bucket", "key": "exports/x.zip", "records": 100 * n, "invocations": n})

    return respond


def once(answer: Answer, at_slice: int) -> Callable[[int], Answer | None]:
    given = []

    def fail(n):
        if n == at_slice and not given:
            given.append(n)
            return answer
        return None

    return fail


def run_sample(fake: FakeFunction, **kwargs) -> dict:
    with open(SAMPLE, encoding="utf-8") as file:
        definition = file.read()
    return run_state_machine.run(definition, json.dumps(EVENT), fake.url, functions=["ExportFunctionArn"],
                                 wait_scale=kwargs.pop("wait_scale", 0), **kwargs)


class SampleDefinitionTests(unittest.TestCase):
    def test_three_slices_loop_to_succeeded_with_the_continuation_as_each_next_input(self):
        with FakeFunction(exporter(3)) as fake:
            result = run_sample(fake)

        self.assertEqual("SUCCEEDED", result["status"], result)
        self.assertEqual({"bucket": "bucket", "key": "exports/x.zip", "records": 300, "invocations": 3}, result["output"])
        payloads = [i["payload"] for i in result["invocations"]]
        self.assertEqual(EVENT, payloads[0])
        self.assertEqual([1, 2], [p["continuation"]["slice"] for p in payloads[1:]])
        self.assertEqual(["ExportFunction"] * 3, [i["function"] for i in result["invocations"]])
        self.assertEqual(["Export", "Continue?", "Export", "Continue?", "Export", "Continue?", "Done"], result["transitions"])
        self.assertIsNone(result["harnessError"])

    def test_a_function_error_in_slice_two_aborts_with_the_failed_input_and_fails_with_that_error(self):
        with FakeFunction(exporter(5, once(function_error("ExportFailedException", "source answered 500"), 2))) as fake:
            result = run_sample(fake)

        function_cause = '{"errorType":"ExportFailedException","errorMessage":"source answered 500"}'
        self.assertEqual(("FAILED", "ExportFailed"), (result["status"], result["error"]), result)
        self.assertEqual(f"ExportFailedException: {function_cause}", result["cause"])
        self.assertEqual(["Export", "Continue?", "Export", "Abort", "Failed"], result["transitions"])
        abort = result["invocations"][-1]["payload"]
        self.assertEqual(1, abort["abort"]["continuation"]["slice"], "the abort carries the failed slice's input")
        self.assertEqual({"Error": "ExportFailedException", "Cause": function_cause}, abort["abort"]["error"])
        self.assertEqual(result["cause"], abort["reason"])
        self.assertEqual(3, len(result["invocations"]))
        self.assertEqual("Unhandled", result["invocations"][1]["functionError"])
        self.assertEqual([], result["waits"], "a function error is not retried by this definition")

    def test_a_lambda_service_error_is_retried_after_the_definitions_interval_and_the_loop_succeeds(self):
        with FakeFunction(exporter(3, once((500, {}, {"message": "Lambda had a moment"}), 2))) as fake:
            result = run_sample(fake)

        self.assertEqual("SUCCEEDED", result["status"], result)
        self.assertEqual(4, len(result["invocations"]))
        self.assertEqual(result["invocations"][1]["payload"], result["invocations"][2]["payload"], "the retry repeats the payload")
        self.assertEqual("ServiceException", result["invocations"][1]["serviceError"])
        self.assertEqual([{"kind": "retry", "seconds": 2}], result["waits"])
        failed = [e for e in result["history"] if e["type"] == "TaskFailed"]
        self.assertEqual("Lambda.ServiceException", failed[0]["taskFailedEventDetails"]["error"])
        self.assertTrue(failed[0]["taskFailedEventDetails"]["cause"].startswith(
            "Lambda had a moment (Service: AWSLambda; Status Code: 500; Error Code: ServiceException;"))

    def test_retries_back_off_by_the_rate_and_give_up_into_the_catch_after_max_attempts(self):
        with FakeFunction(exporter(3, lambda n: (429, {}, {"message": "Rate exceeded"}) if n == 1 else None)) as fake:
            result = run_sample(fake)

        self.assertEqual("FAILED", result["status"], result)
        self.assertTrue(result["cause"].startswith("Lambda.TooManyRequestsException: Rate exceeded (Service: AWSLambda; Status Code: 429"),
                        result["cause"])
        self.assertEqual([2, 4, 8, 16, 32, 64], [w["seconds"] for w in result["waits"]])
        self.assertEqual(7 + 1, len(result["invocations"]), "one try, six retries, one abort")

    def test_retry_waits_are_slept_for_real_at_scale_one(self):
        with open(SAMPLE, encoding="utf-8") as file:
            definition = file.read().replace('"IntervalSeconds": 2', '"IntervalSeconds": 1')
        with FakeFunction(exporter(2, once((503, {}, b"unavailable"), 1))) as fake:
            started = time.monotonic()
            result = run_state_machine.run(definition, json.dumps(EVENT), fake.url, ["ExportFunctionArn"], wait_scale=1)
            elapsed = time.monotonic() - started

        self.assertEqual("SUCCEEDED", result["status"], result)
        self.assertGreaterEqual(elapsed, 1.0)

    def test_a_function_error_without_an_error_type_is_lambda_unknown_as_in_aws(self):
        timed_out = function_error(None, "2026-11-01T00:15:00Z Task timed out after 900.00 seconds")
        with FakeFunction(exporter(3, once(timed_out, 1))) as fake:
            result = run_sample(fake)

        self.assertEqual("FAILED", result["status"], result)
        self.assertEqual("Lambda.Unknown", result["invocations"][-1]["payload"]["abort"]["error"]["Error"])
        self.assertIn("Task timed out", result["cause"])

    def test_a_continuation_over_256_kb_fails_the_execution_at_once_without_the_abort_as_in_aws(self):
        too_big = ok({"continuation": {"slice": 1, "tail": "x" * 300_000}})
        with FakeFunction(exporter(3, once(too_big, 1))) as fake:
            result = run_sample(fake)

        self.assertEqual(("FAILED", "States.DataLimitExceeded"), (result["status"], result["error"]), result)
        self.assertEqual(["Export"], result["transitions"])
        self.assertEqual(1, len(result["invocations"]))

    def test_a_task_timeout_is_caught_and_aborted(self):
        with open(SAMPLE, encoding="utf-8") as file:
            definition = file.read().replace('"TimeoutSeconds": 960', '"TimeoutSeconds": 1')

        def slow(payload):
            if "abort" not in payload:
                time.sleep(1.5)
            return ok({})

        with FakeFunction(slow) as fake:
            result = run_state_machine.run(definition, json.dumps(EVENT), fake.url, ["ExportFunctionArn"], wait_scale=0)
        self.assertEqual(("FAILED", "ExportFailed"), (result["status"], result["error"]), result)
        self.assertEqual("States.Timeout", result["invocations"][-1]["payload"]["abort"]["error"]["Error"])


class ContractTests(unittest.TestCase):
    """What the interpreter does with each kind of answer, on small definitions of their own."""

    @staticmethod
    def machine(task_extra: dict) -> str:
        return json.dumps({"StartAt": "Call", "States": {
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "Parameters": {"FunctionName": "${F}", "Payload.$": "$"},
                     "ResultSelector": {"r.$": "$.Payload"}, "OutputPath": "$.r", "End": True, **task_extra}}})

    def run_machine(self, respond, task_extra: dict, execution_input: object = None) -> dict:
        with FakeFunction(respond) as fake:
            return run_state_machine.run(self.machine(task_extra), json.dumps(execution_input or {}), fake.url, ["F"],
                                         wait_scale=0)

    def caught(self, answer: Answer, error_equals: list[str]) -> dict:
        catch = {"Catch": [{"ErrorEquals": error_equals, "ResultPath": "$.error", "Next": "Caught"}]}
        definition = json.loads(self.machine(catch))
        definition["States"]["Caught"] = {"Type": "Pass", "End": True}
        with FakeFunction(lambda payload: answer) as fake:
            return run_state_machine.run(json.dumps(definition), "{}", fake.url, ["F"], wait_scale=0)

    def test_a_custom_error_name_matches_the_functions_error_type(self):
        result = self.caught(function_error("ExportAbortedException", "x"), ["ExportAbortedException"])
        self.assertEqual("SUCCEEDED", result["status"], result)
        self.assertEqual("ExportAbortedException", result["output"]["error"]["Error"])

    def test_states_task_failed_matches_a_function_error_and_a_service_error(self):
        self.assertEqual("SUCCEEDED", self.caught(function_error("Boom", "x"), ["States.TaskFailed"])["status"])
        self.assertEqual("SUCCEEDED", self.caught((502, {}, b"bad gateway"), ["States.TaskFailed"])["status"])

    def test_lambda_unknown_matches_an_error_without_a_type(self):
        self.assertEqual("SUCCEEDED", self.caught(function_error(None, "out of memory"), ["Lambda.Unknown"])["status"])

    def test_a_handled_function_error_is_an_error_too(self):
        result = self.caught((200, {"X-Amz-Function-Error": "Handled"}, {"errorType": "Handled", "errorMessage": "m"}), ["Handled"])
        self.assertEqual("SUCCEEDED", result["status"], result)

    def test_the_error_code_of_a_service_error_can_be_named_by_x_amzn_errortype(self):
        answer = (500, {"X-Amzn-ErrorType": "AWSLambdaException"}, {"Message": "internal"})
        result = self.caught(answer, ["Lambda.AWSLambdaException"])
        self.assertEqual("SUCCEEDED", result["status"], result)

    def test_an_uncaught_error_fails_the_execution_with_error_and_cause(self):
        result = self.run_machine(lambda p: function_error("Boom", "bad"), {})
        self.assertEqual(("FAILED", "Boom"), (result["status"], result["error"]))
        self.assertEqual('{"errorType":"Boom","errorMessage":"bad"}', result["cause"])

    def test_a_task_running_over_its_timeout_seconds_is_states_timeout(self):
        def slow(payload):
            time.sleep(1.5)
            return ok({})
        result = self.run_machine(slow, {"TimeoutSeconds": 1})
        self.assertEqual(("FAILED", "States.Timeout"), (result["status"], result["error"]))

    def test_a_result_over_256_kb_is_states_data_limit_exceeded(self):
        result = self.run_machine(lambda p: ok({"big": "x" * 300_000}), {})
        self.assertEqual(("FAILED", "States.DataLimitExceeded"), (result["status"], result["error"]))

    def test_states_all_leaves_states_runtime_uncaught_but_naming_it_catches_it(self):
        definition = json.loads(self.machine({"Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}]}))
        definition["States"]["Call"]["Parameters"]["Payload.$"] = "$.missing"
        definition["States"]["Caught"] = {"Type": "Pass", "End": True}
        with FakeFunction(lambda p: ok({})) as fake:
            uncaught = run_state_machine.run(json.dumps(definition), "{}", fake.url, ["F"])
            definition["States"]["Call"]["Catch"][0]["ErrorEquals"] = ["States.Runtime"]
            caught = run_state_machine.run(json.dumps(definition), "{}", fake.url, ["F"])
        self.assertEqual(("FAILED", "States.Runtime"), (uncaught["status"], uncaught["error"]), uncaught)
        self.assertEqual("SUCCEEDED", caught["status"], caught)

    def test_wait_states_are_reported_and_scaled(self):
        definition = json.dumps({"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 3600, "Next": "W2"},
                                                            "W2": {"Type": "Wait", "SecondsPath": "$.s", "End": True}}})
        with FakeFunction(lambda p: ok({})) as fake:
            result = run_state_machine.run(definition, '{"s": 5}', fake.url, wait_scale=0)
        self.assertEqual("SUCCEEDED", result["status"], result)
        self.assertEqual([{"kind": "wait", "seconds": 3600}, {"kind": "wait", "seconds": 5}], result["waits"])
        self.assertLess(result["elapsedSeconds"], 60)

    def test_the_jsonpath_features_a_loop_needs_are_interpreted(self):
        definition = json.dumps({"StartAt": "Shape", "States": {
            "Shape": {"Type": "Pass", "InputPath": "$.in", "ResultPath": "$.shaped", "Parameters": {
                "label.$": "States.Format('{}-{}', $.name, $.n)", "next.$": "States.MathAdd($.n, 1)",
                "json.$": "States.JsonToString($.o)", "back.$": "States.StringToJson($.js)",
                "execution.$": "$$.Execution.Name", "started.$": "$$.Execution.StartTime"}, "Next": "Call"},
            "Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 60, "HeartbeatSeconds": 30,
                     "Parameters": {"FunctionName": "${F}", "Payload.$": "$.shaped"},
                     "ResultSelector": {"echo.$": "$.Payload", "code.$": "$.StatusCode"}, "ResultPath": "$.call", "OutputPath": "$.call",
                     "Next": "Which"},
            "Which": {"Type": "Choice", "Choices": [
                {"And": [{"Variable": "$.echo.next", "NumericGreaterThanEquals": 3}, {"Variable": "$.echo.flag", "BooleanEquals": False},
                         {"Not": {"Variable": "$.echo.missing", "IsPresent": True}}], "Next": "Fail"}], "Default": "Done"},
            "Done": {"Type": "Succeed"},
            "Fail": {"Type": "Fail", "ErrorPath": "$.echo.label", "CausePath": "States.Format('next={}', $.echo.next)"}}})
        execution_input = {"in": {"name": "x", "n": 2, "o": {"k": 1}, "js": '{"z":2}'}}
        with FakeFunction(lambda p: ok({**p, "flag": False})) as fake:
            result = run_state_machine.run(definition, json.dumps(execution_input), fake.url, ["F"], wait_scale=0)

        self.assertEqual(("FAILED", "x-2", "next=3"), (result["status"], result["error"], result["cause"]), result)
        payload = result["invocations"][0]["payload"]
        self.assertEqual({"label": "x-2", "next": 3, "json": '{"k":1}', "back": {"z": 2}, "execution": "harness-execution"},
                         {k: v for k, v in payload.items() if k != "started"})
        self.assertRegex(payload["started"], r"^\d{4}-\d\d-\d\dT")
        self.assertEqual(["Shape", "Call", "Which", "Fail"], result["transitions"])

    def test_an_output_holding_the_execution_start_time_is_reported(self):
        definition = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"t.$": "$$.Execution.StartTime"}, "End": True}}})
        with FakeFunction(lambda p: ok({})) as fake:
            result = run_state_machine.run(definition, "{}", fake.url)
        self.assertEqual("SUCCEEDED", result["status"], result)
        self.assertRegex(result["output"]["t"], r"^\d{4}-\d\d-\d\dT")

    def test_an_endpoint_answering_404_is_a_harness_error_not_a_result(self):
        result = self.run_machine(lambda p: (404, {}, b"no such route"), {})
        self.assertIn("HTTP 404", result["harnessError"])

    def test_a_placeholder_without_a_substitution_is_a_harness_error(self):
        with self.assertRaisesRegex(run_state_machine.HarnessError, "ExportFunctionArn"):
            run_state_machine.substitute('{"F": "${ExportFunctionArn}"}', {})

    def test_substitute_replaces_every_placeholder_like_sam(self):
        self.assertEqual('{"F": "arn:x", "N": 3, "G": "arn:x"}',
                         run_state_machine.substitute('{"F": "${A}", "N": ${B}, "G": "${A}"}', {"A": "arn:x", "B": "3"}))


class CommandLineTests(unittest.TestCase):
    def test_the_script_prints_one_json_document_and_exits_0_for_a_failed_execution(self):
        with FakeFunction(exporter(2, once(function_error("Boom", "bad"), 1))) as fake:
            process = subprocess.run(
                [sys.executable, os.path.join(HERE, "run_state_machine.py"), SAMPLE, "--endpoint", fake.url,
                 "--function", "ExportFunctionArn", "--input", json.dumps(EVENT), "--wait-scale", "0"],
                capture_output=True, text=True, timeout=120)

        self.assertEqual(0, process.returncode, process.stderr)
        result = json.loads(process.stdout)
        self.assertEqual(("FAILED", "ExportFailed"), (result["status"], result["error"]))
        self.assertEqual(["Export", "Abort", "Failed"], result["transitions"])

    def test_a_dead_endpoint_exits_2(self):
        process = subprocess.run(
            [sys.executable, os.path.join(HERE, "run_state_machine.py"), SAMPLE, "--endpoint", "http://127.0.0.1:9/",
             "--function", "ExportFunctionArn", "--wait-scale", "0"],
            capture_output=True, text=True, timeout=120)

        self.assertEqual(2, process.returncode, process.stdout)
        self.assertIn("POST http://127.0.0.1:9/ failed", process.stderr)


if __name__ == "__main__":
    unittest.main()
