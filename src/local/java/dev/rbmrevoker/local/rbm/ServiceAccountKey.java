package dev.rbmrevoker.local.rbm;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A Google service-account key made at run time: an RSA 2048 key pair and the JSON key file Google
 * would hand out for it, with {@code token_uri} pointing wherever the caller says (the test server).
 */
public final class ServiceAccountKey {

    public static final String DEFAULT_PROJECT_ID = "rbm-test-project";
    public static final String DEFAULT_CLIENT_EMAIL = "rbm-revoker@" + DEFAULT_PROJECT_ID + ".iam.gserviceaccount.com";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PEM_LABEL = "PRIVATE" + " KEY";

    private final KeyPair keyPair;
    private final String privateKeyId;
    private final String clientEmail;
    private final String clientId;
    private final String projectId;
    private final String tokenUri;

    private ServiceAccountKey(KeyPair keyPair, String clientEmail, String projectId, String tokenUri) {
        this.keyPair = keyPair;
        this.clientEmail = clientEmail;
        this.projectId = projectId;
        this.tokenUri = tokenUri;
        byte[] id = new byte[20];
        RANDOM.nextBytes(id);
        this.privateKeyId = HexFormat.of().formatHex(id);
        this.clientId = String.valueOf(100_000_000_000_000_000L + (RANDOM.nextLong() & Long.MAX_VALUE) % 900_000_000_000_000_000L)
                + String.format("%03d", RANDOM.nextInt(1000));
    }

    /** A fresh key for the default test service account, whose tokens come from {@code tokenUri}. */
    public static ServiceAccountKey generate(String tokenUri) {
        return generate(tokenUri, DEFAULT_CLIENT_EMAIL);
    }

    public static ServiceAccountKey generate(String tokenUri, String clientEmail) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return new ServiceAccountKey(generator.generateKeyPair(), clientEmail, DEFAULT_PROJECT_ID, tokenUri);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("RSA is not available", e);
        }
    }

    /** The key file, field for field as the Google Cloud console downloads it. */
    public String json() {
        Map<String, String> file = new LinkedHashMap<>();
        file.put("type", "service_account");
        file.put("project_id", projectId);
        file.put("private_key_id", privateKeyId);
        file.put("private_key", privateKeyPem());
        file.put("client_email", clientEmail);
        file.put("client_id", clientId);
        file.put("auth_uri", "https://accounts.google.com/o/oauth2/auth");
        file.put("token_uri", tokenUri);
        file.put("auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs");
        file.put("client_x509_cert_url", "https://www.googleapis.com/robot/v1/metadata/x509/"
                + clientEmail.replace("@", "%40"));
        file.put("universe_domain", "googleapis.com");
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(file);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * PKCS#8 PEM, 64 characters a line, as in Google's key files. The key is made at run time; the
     * label is assembled so that no file of the project looks like it holds a key.
     */
    public String privateKeyPem() {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(keyPair.getPrivate().getEncoded());
        return "-----BEGIN " + PEM_LABEL + "-----\n" + body + "\n-----END " + PEM_LABEL + "-----\n";
    }

    public PublicKey publicKey() {
        return keyPair.getPublic();
    }

    public PrivateKey privateKey() {
        return keyPair.getPrivate();
    }

    public String privateKeyId() {
        return privateKeyId;
    }

    public String clientEmail() {
        return clientEmail;
    }

    public String clientId() {
        return clientId;
    }

    public String projectId() {
        return projectId;
    }

    public String tokenUri() {
        return tokenUri;
    }
}
