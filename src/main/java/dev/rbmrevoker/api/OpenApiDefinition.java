package dev.rbmrevoker.api;

import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** The OpenAPI document's header and the problem answers every operation shares. */
@OpenAPIDefinition(
        info = @Info(title = "rbm-revoker", version = "1",
                description = "Revokes undelivered RBM messages at their deadline and falls back exactly once."
                        + " /v1 needs AWS_IAM (SigV4) authorisation in AWS."),
        components = @Components(responses = {
            @APIResponse(name = "validation", responseCode = "400",
                    description = "validation, malformed-request or no-fallback-channel", content = @Content(
                            mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
            @APIResponse(name = "notFound", responseCode = "404", description = "not-found", content = @Content(
                    mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
            @APIResponse(name = "conflict", responseCode = "409", description = "conflict", content = @Content(
                    mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
            @APIResponse(name = "sendConflict", responseCode = "409",
                    description = "conflict, or campaign-revoked (the campaign was revoked: nothing is sent)",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
            @APIResponse(name = "revokeConflict", responseCode = "409",
                    description = "already-delivered, revoke-in-progress (with Retry-After) or not-sent",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
            @APIResponse(name = "payloadTooLarge", responseCode = "413", description = "payload-too-large",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
            @APIResponse(name = "rbmRejected", responseCode = "422", description = "rbm-rejected",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class))),
            @APIResponse(name = "rbmUnavailable", responseCode = "503",
                    description = "rbm-unavailable, with Retry-After",
                    content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
        }))
public class OpenApiDefinition extends Application {
}
