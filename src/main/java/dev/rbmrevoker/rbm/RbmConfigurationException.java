package dev.rbmrevoker.rbm;

/** The deployment lacks, or has unusable, RBM configuration; the message names the variables to fix. */
public class RbmConfigurationException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public RbmConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
