"""A tiny handler: the deploy tests only need real code to package."""

import json
import os


def handler(event, context):
    return {"statusCode": 200, "body": json.dumps({"table": os.environ.get("TABLE_NAME")})}
