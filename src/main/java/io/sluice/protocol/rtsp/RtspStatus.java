package io.sluice.protocol.rtsp;

/** RtspStatus holds the RTSP status codes Sluice sends or handles and their reason phrases (RFC 2326 §7.1.1). */
public final class RtspStatus {
    public static final int OK = 200;
    public static final int BAD_REQUEST = 400;
    public static final int UNAUTHORIZED = 401;
    public static final int FORBIDDEN = 403;
    public static final int NOT_FOUND = 404;
    public static final int METHOD_NOT_ALLOWED = 405;
    public static final int NOT_ACCEPTABLE = 406;
    public static final int REQUEST_ENTITY_TOO_LARGE = 413;
    public static final int PARAMETER_NOT_UNDERSTOOD = 451;
    public static final int NOT_ENOUGH_BANDWIDTH = 453;
    public static final int SESSION_NOT_FOUND = 454;
    public static final int METHOD_NOT_VALID_IN_THIS_STATE = 455;
    public static final int UNSUPPORTED_TRANSPORT = 461;
    public static final int DESTINATION_UNREACHABLE = 462;
    public static final int INTERNAL_SERVER_ERROR = 500;
    public static final int NOT_IMPLEMENTED = 501;
    public static final int SERVICE_UNAVAILABLE = 503;
    public static final int RTSP_VERSION_NOT_SUPPORTED = 505;
    public static final int HEADER_FIELD_NOT_VALID = 456;
    public static final int AGGREGATE_OPERATION_NOT_ALLOWED = 459;

    private RtspStatus() {
    }

    /** The standard reason phrase of a status code, or "Status N" for codes not listed here. */
    public static String reason(int status) {
        return switch (status) {
            case OK -> "OK";
            case BAD_REQUEST -> "Bad Request";
            case REQUEST_ENTITY_TOO_LARGE -> "Request Entity Too Large";
            case UNAUTHORIZED -> "Unauthorized";
            case FORBIDDEN -> "Forbidden";
            case NOT_FOUND -> "Not Found";
            case METHOD_NOT_ALLOWED -> "Method Not Allowed";
            case NOT_ACCEPTABLE -> "Not Acceptable";
            case PARAMETER_NOT_UNDERSTOOD -> "Parameter Not Understood";
            case NOT_ENOUGH_BANDWIDTH -> "Not Enough Bandwidth";
            case SESSION_NOT_FOUND -> "Session Not Found";
            case METHOD_NOT_VALID_IN_THIS_STATE -> "Method Not Valid in This State";
            case HEADER_FIELD_NOT_VALID -> "Header Field Not Valid for Resource";
            case AGGREGATE_OPERATION_NOT_ALLOWED -> "Aggregate Operation Not Allowed";
            case UNSUPPORTED_TRANSPORT -> "Unsupported Transport";
            case DESTINATION_UNREACHABLE -> "Destination Unreachable";
            case INTERNAL_SERVER_ERROR -> "Internal Server Error";
            case NOT_IMPLEMENTED -> "Not Implemented";
            case SERVICE_UNAVAILABLE -> "Service Unavailable";
            case RTSP_VERSION_NOT_SUPPORTED -> "RTSP Version Not Supported";
            default -> "Status " + status;
        };
    }
}
