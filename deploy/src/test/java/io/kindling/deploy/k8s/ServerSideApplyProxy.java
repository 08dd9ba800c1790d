package io.kindling.deploy.k8s;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * A pass-through in front of fabric8's mock API server that adds the one thing its CRUD mode lacks
 * and Spark's submission uses: server-side apply creating a resource that does not exist yet (Spark
 * applies the driver's service and config maps that way). Such a PATCH that the mock answers with
 * 404 is sent again as a create (POST) to the resource's collection; everything else is forwarded
 * unchanged. No watches pass through it.
 */
final class ServerSideApplyProxy implements AutoCloseable {
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String target;

    ServerSideApplyProxy(String target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::forward);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void forward(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String type = exchange.getRequestHeaders().getFirst("Content-Type");
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpResponse<byte[]> response = send(method, exchange.getRequestURI().toString(), type, body);
            if (response.statusCode() == 404 && method.equals("PATCH") && type != null
                    && type.startsWith("application/apply-patch")) {
                String path = exchange.getRequestURI().getPath();
                response = send("POST", path.substring(0, path.lastIndexOf('/')), "application/json", body);
            }
            exchange.getResponseHeaders().set("Content-Type",
                    response.headers().firstValue("Content-Type").orElse("application/json"));
            byte[] answer = response.body();
            exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    private HttpResponse<byte[]> send(String method, String pathAndQuery, String type, byte[] body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target + pathAndQuery))
                .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
