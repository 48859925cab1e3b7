/*
 * setup.h: the CloudFormation custom resource that configures a stream for kvs-lookout
 * (Custom::KvsImageSetup in template.yaml). On Create and Update it turns on KVS image
 * generation into the images bucket and fragment notifications to the fragment topic; on
 * Delete it removes both. It always answers CloudFormation's presigned ResponseURL, SUCCESS
 * or FAILED with the reason, so a stack never waits for an answer that does not come.
 *
 * ResourceProperties (CloudFormation passes numbers as strings; both are accepted):
 *   StreamName            required, the KVS stream name
 *   Region                required, the stream's region (image destination region)
 *   DestinationUri        required, s3://bucket[/prefix]
 *   NotificationTopicArn  required, the SNS topic for fragment notifications
 *   SamplingIntervalMs    default 3000, >= 200
 *   Format                JPEG (default) | PNG
 *   ImageSelectorType     PRODUCER_TIMESTAMP (default) | SERVER_TIMESTAMP
 *   JpegQuality           1..100, JPEG only
 *   WidthPixels           1..3840;  HeightPixels  1..2160
 */
#ifndef LOOKOUT_SETUP_H
#define LOOKOUT_SETUP_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "lookout/buf.h"
#include "lookout/services.h"
#include "lookout/error.h"

/* Handles one custom-resource request (event already classified EV_KIND_CFN_CUSTOM). The
 * outcome goes to the ResponseURL; the return is LK_OK once CloudFormation has its answer,
 * whatever the answer (the response JSON says which), and an error only when the answer
 * could not be delivered, so that Lambda retries. A malformed request (an unknown
 * RequestType, a missing field) that has a usable ResponseURL is answered FAILED with the
 * reason; only one without a ResponseURL goes unanswered (LK_INVALID_EVENT). */
int pl_setup_handle(struct svc_clients *svc, int64_t deadline_ms, const cJSON *event,
                    struct lk_buf *response, struct lk_error *err);

#endif
