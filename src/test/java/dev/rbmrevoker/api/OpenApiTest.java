package dev.rbmrevoker.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.rbmrevoker.testing.RevokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.UUID;
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

    /** Swagger UI's "Try it out" sends the schema's example as it stands: it must be accepted. */
    @Test
    void sendExample_isAValidRequest() {
        String example = given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200).extract().jsonPath().prettyPrint();
        Object sendExample = given().queryParam("format", "json").when().get("/q/openapi")
                .then().extract().jsonPath().get("components.schemas.SendRequest.examples[0]");
        assertNotNull(sendExample, example);
        given().contentType("application/json").body(sendExample).when().post("/v1/messages")
                .then().statusCode(201).body("state", equalTo("PENDING"));
    }

    @Test
    void trackExample_isAValidRequest() {
        Object trackExample = given().queryParam("format", "json").when().get("/q/openapi")
                .then().extract().jsonPath().get("components.schemas.TrackRequest.examples[0]");
        assertNotNull(trackExample);
        given().contentType("application/json").body(trackExample).when()
                .put("/v1/messages/" + UUID.randomUUID()).then().statusCode(201);
    }

    @Test
    void revokeBody_isOptional() {
        given().queryParam("format", "json").when().get("/q/openapi").then()
                .body("paths.'/v1/messages/{messageId}/revoke'.post.requestBody.required", not(equalTo(true)))
                .body("paths.'/v1/messages'.post.requestBody.required", equalTo(true));
    }

    @Test
    void malformedJson_isDescribedWithoutParserInternals() {
        given().contentType("application/json").body("{\"phoneNumber\": \"+16502530001\",\n  \"ttl\": }")
                .when().post("/v1/messages")
                .then().statusCode(400)
                .body("type", equalTo("urn:rbm-revoker:problem:malformed-request"))
                .body("detail", containsString("line 2, column"))
                .body("detail", not(containsString("StreamReadFeature")))
                .body("detail", not(containsString("Source")))
                .body("detail", not(containsString("code ")));
        given().contentType("application/json").body("{\"phoneNumber\": \"+16502530001\"")
                .when().post("/v1/messages")
                .then().statusCode(400)
                .body("detail", startsWith("The body is not valid JSON at line 1"))
                .body("detail", not(containsString("StreamReadFeature")));
    }
}
