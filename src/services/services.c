#include "lookout/services.h"

#include <stddef.h>
#include <string.h>

/* The plain clients of struct svc_clients, by the member that holds each. */
static const struct {
    enum aws_service id;
    size_t member;
} CLIENTS[] = {
    {AWS_SVC_S3, offsetof(struct svc_clients, s3)},
    {AWS_SVC_REKOGNITION, offsetof(struct svc_clients, rekognition)},
    {AWS_SVC_SNS, offsetof(struct svc_clients, sns)},
    {AWS_SVC_DYNAMODB, offsetof(struct svc_clients, dynamodb)},
    {AWS_SVC_CLOUDFORMATION_RESPONSE, offsetof(struct svc_clients, cfn_response)},
};

#define CLIENT_COUNT (sizeof(CLIENTS) / sizeof(CLIENTS[0]))

static struct aws_client **member(struct svc_clients *svc, size_t i)
{
    return (struct aws_client **)((char *)svc + CLIENTS[i].member);
}

int svc_clients_init(struct svc_clients *svc, struct lk_error *err)
{
    memset(svc, 0, sizeof(*svc));
    int rc = aws_config_from_env(&svc->aws, err);
    if (rc != LK_OK)
        return rc;
    for (size_t i = 0; rc == LK_OK && i < CLIENT_COUNT; i++)
        rc = aws_client_new(&svc->aws, CLIENTS[i].id, member(svc, i), err);
    if (rc == LK_OK)
        rc = kvs_service_init(&svc->kvs, &svc->aws, err);
    if (rc != LK_OK)
        svc_clients_cleanup(svc);
    return rc;
}

void svc_clients_cleanup(struct svc_clients *svc)
{
    for (size_t i = 0; i < CLIENT_COUNT; i++)
        aws_client_free(*member(svc, i));
    kvs_service_cleanup(&svc->kvs);
    aws_config_cleanup(&svc->aws);
    memset(svc, 0, sizeof(*svc));
}
