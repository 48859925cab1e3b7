/*
 * services.h: every AWS service the function calls, made once at start-up from the
 * environment and kept for the life of the process, so that connections stay open across
 * warm invocations. The pipeline borrows them; nothing else makes a client.
 *
 * Adding a service: a row in AWS_SERVICE_MAP (aws.h), its own file in src/services/, and a
 * member and a row in the table of src/services/services.c.
 */
#ifndef LOOKOUT_SERVICES_H
#define LOOKOUT_SERVICES_H

#include "lookout/aws.h"
#include "lookout/error.h"
#include "lookout/kvs.h"

struct svc_clients {
    struct aws_config aws;           /* credentials, region, endpoints, trust roots */
    struct aws_client *s3;           /* s3.h */
    struct aws_client *rekognition;  /* rekognition.h */
    struct aws_client *sns;          /* sns.h */
    struct aws_client *dynamodb;     /* dynamodb.h: used only with STATE_TABLE */
    struct aws_client *cfn_response; /* cfn.h */
    struct kvs_service kvs;          /* kvs.h: its two clients and data endpoints */
};

/* Reads the AWS configuration (aws_config_from_env: LK_CONFIG names the variable at fault)
 * and makes every client. On failure svc holds nothing to free. */
int svc_clients_init(struct svc_clients *svc, struct lk_error *err);
/* Safe on a zeroed struct. */
void svc_clients_cleanup(struct svc_clients *svc);

#endif
