package org.storage.stratisd.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws the suite's figures into one PNG with the JDK's own 2D graphics (headless): throughput
 * and p99 latency of the floors and of scenario 1 by number of clients, and the latency of
 * {@code GetManagedObjects} by number of filesystems.
 */
final class SuitePlot {

    private static final int WIDTH = 1500;
    private static final int HEIGHT = 520;
    private static final Color[] COLORS = {new Color(0x4c72b0), new Color(0x55a868), new Color(0xc44e52)};

    private SuitePlot() {
    }

    static void render(List<BusSuiteBench.Load> loads, List<Map<String, Object>> gmo, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        List<String> targets = loads.stream().map(BusSuiteBench.Load::target).distinct().toList();
        List<Integer> clients = loads.stream().map(BusSuiteBench.Load::clients).distinct().toList();
        grouped(g, 20, "calls per second", loads, targets, clients, BusSuiteBench.Load::callsPerSecond);
        grouped(g, 520, "p99 latency, ms", loads, targets, clients, BusSuiteBench.Load::p99);
        managedObjects(g, 1020, gmo);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("right panel: red stratisd, green the same reply sent by the libdbus echo", 1030, HEIGHT - 50);
        for (int i = 0; i < targets.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            g.fillRect(30 + i * 330, HEIGHT - 30, 14, 14);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(targets.get(i), 50 + i * 330, HEIGHT - 19);
        }
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }

    private static void grouped(Graphics2D g, int x0, String title, List<BusSuiteBench.Load> loads, List<String> targets,
                                List<Integer> clients, ToDoubleFunction<BusSuiteBench.Load> value) {
        int top = 50;
        int height = 380;
        int width = 460;
        double max = loads.stream().mapToDouble(value).max().orElse(1) * 1.1;
        axes(g, x0, top, width, height, title, max);
        int groupWidth = (width - 40) / clients.size();
        int bar = (groupWidth - 20) / targets.size();
        for (int c = 0; c < clients.size(); c++) {
            int gx = x0 + 50 + c * groupWidth;
            for (int t = 0; t < targets.size(); t++) {
                String target = targets.get(t);
                int client = clients.get(c);
                double v = loads.stream().filter(l -> l.target().equals(target) && l.clients() == client)
                        .mapToDouble(value).findFirst().orElse(0);
                int h = (int) (v / max * height);
                g.setColor(COLORS[t % COLORS.length]);
                g.fillRect(gx + t * bar, top + height - h, bar - 2, h);
            }
            g.setColor(Color.BLACK);
            g.drawString(clients.get(c) + (clients.get(c) == 1 ? " client" : " clients"), gx + groupWidth / 2 - 30, top + height + 18);
        }
    }

    private static void managedObjects(Graphics2D g, int x0, List<Map<String, Object>> gmo) {
        int top = 50;
        int height = 380;
        int width = 460;
        double max = gmo.stream().mapToDouble(r -> Percentiles.number(r.get("p50_ms"))).max().orElse(1) * 1.1;
        axes(g, x0, top, width, height, "GetManagedObjects p50 ms: stratisd, same bytes from libdbus", max);
        int groupWidth = (width - 40) / Math.max(1, gmo.size());
        for (int i = 0; i < gmo.size(); i++) {
            Map<String, Object> row = gmo.get(i);
            int gx = x0 + 50 + i * groupWidth;
            double p50 = Percentiles.number(row.get("p50_ms"));
            double floor = Percentiles.number(row.get("floor_p50_ms"));
            int bar = (groupWidth - 20) / 2;
            g.setColor(COLORS[2]);
            int h50 = (int) (p50 / max * height);
            g.fillRect(gx, top + height - h50, bar - 2, h50);
            g.setColor(COLORS[1]);
            int hFloor = (int) (floor / max * height);
            g.fillRect(gx + bar, top + height - hFloor, bar - 2, hFloor);
            g.setColor(Color.BLACK);
            g.drawString(String.format(Locale.ROOT, "%.1f", p50), gx, top + height - h50 - 4);
            g.drawString(String.format(Locale.ROOT, "%.1f", floor), gx + bar, top + height - hFloor - 4);
            g.drawString(row.get("filesystems") + " fs", gx + 10, top + height + 18);
        }
    }

    private static void axes(Graphics2D g, int x0, int top, int width, int height, String title, double max) {
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.drawString(title, x0 + 50, top - 20);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        g.setStroke(new BasicStroke(1));
        g.drawLine(x0 + 45, top, x0 + 45, top + height);
        g.drawLine(x0 + 45, top + height, x0 + width, top + height);
        for (int i = 0; i <= 4; i++) {
            int y = top + height - i * height / 4;
            g.drawString(String.format(Locale.ROOT, max / 1.1 >= 100 ? "%.0f" : "%.2f", max * i / 4), x0, y + 4);
            g.setColor(new Color(0xdddddd));
            g.drawLine(x0 + 46, y, x0 + width, y);
            g.setColor(Color.BLACK);
        }
    }
}
