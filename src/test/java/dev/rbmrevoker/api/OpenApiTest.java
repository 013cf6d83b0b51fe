package dev.rbmrevoker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/** The OpenAPI document lists every public endpoint with its request schema and problem answers. */
@QuarkusTest
@QuarkusTestResource(RevokerResource.class)
class OpenApiTest {

    @Test
    void document_listsEveryEndpoint_withSchemasAndProblems() {
        given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200)
                .body("paths", hasKey("/v1/messages"))
                .body("paths", hasKey("/v1/messages/{messageId}"))
                .body("paths", hasKey("/v1/messages/{messageId}/revoke"))
                .body("paths", hasKey("/webhooks/rbm"))
                .body("paths", not(hasKey("/internal/sweep")))
                .body("paths.'/v1/messages'.post.requestBody.content.'application/json'.schema.'$ref'", notNullValue())
                .body("paths.'/v1/messages/{messageId}'.put", notNullValue())
                .body("paths.'/v1/messages/{messageId}'.get.responses.'404'", notNullValue())
                .body("paths.'/v1/messages/{messageId}/revoke'.post.responses.'409'", notNullValue())
                .body("components.schemas", hasKey("SendRequest"))
                .body("components.schemas", hasKey("Problem"))
                .body("components.schemas", hasKey("MessageView"));
    }
}
