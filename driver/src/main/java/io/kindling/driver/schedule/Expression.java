package io.kindling.driver.schedule;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

/**
 * An arithmetic expression of {@code epoch}, for LambdaLR: numbers, {@code epoch}, + − * /, ^ or **
 * (power, right-associative), parentheses, and exp, log, sqrt, sin, cos, abs, floor, ceil, min, max,
 * pow. A mistake is reported with its position.
 */
public final class Expression {
    private static final Map<String, DoubleUnaryOperator> FUNCTIONS = Map.of(
            "exp", Math::exp, "log", Math::log, "sqrt", Math::sqrt, "sin", Math::sin, "cos", Math::cos,
            "abs", Math::abs, "floor", Math::floor, "ceil", Math::ceil);

    /** A parsed expression node. */
    private interface Node {
        double at(double epoch);
    }

    private final String text;
    private final Node root;
    private int pos;

    private Expression(String text) {
        this.text = text;
        this.root = parseAll();
    }

    public static Expression parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("--lr-lambda: expected an expression of epoch, such as 0.95^epoch");
        }
        return new Expression(text);
    }

    public double valueAt(double epoch) {
        return root.at(epoch);
    }

    private Node parseAll() {
        Node n = sum();
        skipSpaces();
        if (pos < text.length()) {
            throw error("unexpected '" + text.charAt(pos) + "'");
        }
        return n;
    }

    private Node sum() {
        Node left = product();
        while (true) {
            if (accept("+")) {
                Node l = left, r = product();
                left = e -> l.at(e) + r.at(e);
            } else if (accept("-")) {
                Node l = left, r = product();
                left = e -> l.at(e) - r.at(e);
            } else {
                return left;
            }
        }
    }

    private Node product() {
        Node left = unary();
        while (true) {
            if (peek("**")) {
                return left;
            } else if (accept("*")) {
                Node l = left, r = unary();
                left = e -> l.at(e) * r.at(e);
            } else if (accept("/")) {
                Node l = left, r = unary();
                left = e -> l.at(e) / r.at(e);
            } else {
                return left;
            }
        }
    }

    private Node unary() {
        if (accept("-")) {
            Node n = unary();
            return e -> -n.at(e);
        }
        if (accept("+")) {
            return unary();
        }
        return power();
    }

    private Node power() {
        Node base = atom();
        if (accept("**") || accept("^")) {
            Node exponent = unary();
            return e -> Math.pow(base.at(e), exponent.at(e));
        }
        return base;
    }

    private Node atom() {
        skipSpaces();
        if (accept("(")) {
            Node n = sum();
            expect(")");
            return n;
        }
        int start = pos;
        if (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
            while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.'
                    || text.charAt(pos) == 'e' || text.charAt(pos) == 'E'
                    || ((text.charAt(pos) == '-' || text.charAt(pos) == '+')
                        && (text.charAt(pos - 1) == 'e' || text.charAt(pos - 1) == 'E')))) {
                pos++;
            }
            try {
                double value = Double.parseDouble(text.substring(start, pos));
                return e -> value;
            } catch (NumberFormatException ex) {
                pos = start;
                throw error("bad number '" + text.substring(start, Math.min(text.length(), start + 10)) + "'");
            }
        }
        while (pos < text.length() && Character.isLetter(text.charAt(pos))) {
            pos++;
        }
        String name = text.substring(start, pos);
        if (name.equals("epoch")) {
            return e -> e;
        }
        if (name.isEmpty()) {
            throw error(pos < text.length() ? "unexpected '" + text.charAt(pos) + "'" : "unexpected end");
        }
        if (FUNCTIONS.containsKey(name)) {
            DoubleUnaryOperator f = FUNCTIONS.get(name);
            List<Node> args = arguments(name, 1);
            return e -> f.applyAsDouble(args.get(0).at(e));
        }
        if (name.equals("min") || name.equals("max") || name.equals("pow")) {
            List<Node> args = arguments(name, 2);
            Node a = args.get(0), b = args.get(1);
            return switch (name) {
                case "min" -> e -> Math.min(a.at(e), b.at(e));
                case "max" -> e -> Math.max(a.at(e), b.at(e));
                default -> e -> Math.pow(a.at(e), b.at(e));
            };
        }
        pos = start;
        throw error("unknown name '" + name + "', expected epoch, a number or a function (exp, log, sqrt, sin, cos,"
                + " abs, floor, ceil, min, max, pow)");
    }

    private List<Node> arguments(String function, int count) {
        expect("(");
        List<Node> args = new ArrayList<>();
        args.add(sum());
        while (accept(",")) {
            args.add(sum());
        }
        expect(")");
        if (args.size() != count) {
            throw error(function + " takes " + count + " argument" + (count == 1 ? "" : "s") + ", got " + args.size());
        }
        return args;
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }

    private boolean peek(String token) {
        skipSpaces();
        return text.startsWith(token, pos);
    }

    private boolean accept(String token) {
        if (peek(token)) {
            pos += token.length();
            return true;
        }
        return false;
    }

    private void expect(String token) {
        if (!accept(token)) {
            throw error("expected '" + token + "'");
        }
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException("--lr-lambda '" + text + "': " + what + " at position " + (pos + 1));
    }
}
