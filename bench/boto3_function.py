#!/usr/bin/env python3
"""What users would write instead of kvs-lookout, for bench/pipeline to measure beside it:
a Python Lambda function on boto3 that does the same job for an S3 image event (HeadObject
for the KVS metadata, DetectLabels on the S3 object, the wanted labels picked, a presigned
link, one SNS Publish per matching frame), run under its own small Runtime API loop as a
custom runtime would (GET /next, the handler, POST the response), since the managed Python
runtime is not available locally. Configuration comes from the same variables as the
bootstrap's: ALERT_TOPIC_ARN, ALERT_LABELS (names only), MIN_CONFIDENCE, the AWS ones.
"""

import http.client
import json
import os
import sys
import urllib.parse

import boto3
from botocore.config import Config

API = "/2018-06-01/runtime/invocation/"


def clients():
    config = Config(retries={"max_attempts": 3, "mode": "standard"},
                    s3={"addressing_style": "path"})
    return (boto3.client("s3", config=config), boto3.client("rekognition", config=config),
            boto3.client("sns", config=config))


def wanted():
    names = os.environ.get("ALERT_LABELS", "Person")
    return {n.split(":")[0].strip().lower() for n in names.split(",") if n.strip()}


def handle(event, s3, rek, sns, labels, min_conf, topic):
    alerts = frames = 0
    for record in event.get("Records", []):
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        meta = s3.head_object(Bucket=bucket, Key=key).get("Metadata", {})
        found = rek.detect_labels(Image={"S3Object": {"Bucket": bucket, "Name": key}},
                                  MaxLabels=50, MinConfidence=min_conf)["Labels"]
        frames += 1
        match = [lab for lab in found if lab["Name"].lower() in labels
                 or any(p["Name"].lower() in labels for p in lab.get("Parents", []))]
        if not match:
            continue
        url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key},
                                        ExpiresIn=3600)
        message = {
            "stream": key.split("_")[1] if key.count("_") >= 3 else bucket,
            "frameTime": meta.get("aws_kinesisvideo_producer_timestamp"),
            "fragmentNumber": meta.get("aws_kinesisvideo_fragment_number"),
            "image": {"s3Uri": "s3://%s/%s" % (bucket, key), "url": url},
            "labels": [{"name": lab["Name"], "confidence": round(lab["Confidence"], 2),
                        "boxes": [i["BoundingBox"] for i in lab.get("Instances", [])]}
                       for lab in match],
        }
        subject = "%s seen" % ", ".join(lab["Name"] for lab in match)
        sns.publish(TopicArn=topic, Subject=subject[:100], Message=json.dumps(message),
                    MessageAttributes={"labels": {"DataType": "String",
                                                  "StringValue": ",".join(
                                                      lab["Name"] for lab in match)}})
        alerts += 1
    return {"frames": frames, "alerts": alerts}


def main():
    host, _, port = os.environ["AWS_LAMBDA_RUNTIME_API"].partition(":")
    conn = http.client.HTTPConnection(host, int(port or 80))
    s3, rek, sns = clients()
    labels, topic = wanted(), os.environ["ALERT_TOPIC_ARN"]
    min_conf = float(os.environ.get("MIN_CONFIDENCE", "80"))
    while True:
        conn.request("GET", API + "next")
        resp = conn.getresponse()
        body = resp.read()
        if resp.status != 200:
            return 0  # the local Runtime API ends the loop this way
        request_id = resp.getheader("Lambda-Runtime-Aws-Request-Id")
        trace = resp.getheader("Lambda-Runtime-Trace-Id")
        if trace:
            os.environ["_X_AMZN_TRACE_ID"] = trace
        try:
            out = json.dumps(handle(json.loads(body), s3, rek, sns, labels, min_conf, topic),
                             separators=(",", ":"))
            path = API + request_id + "/response"
        except Exception as e:  # the function's error, as Lambda's Python runtime reports it
            out = json.dumps({"errorMessage": str(e), "errorType": type(e).__name__})
            path = API + request_id + "/error"
        conn.request("POST", path, body=out.encode(), headers={"Content-Type": "application/json"})
        conn.getresponse().read()


if __name__ == "__main__":
    sys.exit(main())
