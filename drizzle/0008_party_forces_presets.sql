-- Force categories of the two presets the seeds describe (F2). The active preset is the setting
-- `forces.preset` (default "1+4+X"); administrators add categories of their own as rows.
-- "1+4+X" (000, 友谊路): 一格引领、四线联动、多元汇治.
INSERT INTO force_categories (key, preset, name_zh, name_en, description_zh, dispatch_group, rank) VALUES
  ('grid_lead', '1+4+X', '网格引领力量', 'Grid lead', '“1”：网格长、网格党组织书记，一格引领', 'own', 10),
  ('administrative', '1+4+X', '行政力量', 'Administrative force', '街道科室包干干部、下沉职能部门与执法人员', 'law_enforcement', 20),
  ('organisational', '1+4+X', '组织力量', 'Organisational force', '党建力量：网格党支部、楼组党小组、党员骨干', 'own', 30),
  ('auxiliary', '1+4+X', '辅助力量', 'Auxiliary force', '专职网格员、城运队员、社区工作者', 'own', 40),
  ('co_governance', '1+4+X', '共治力量', 'Co-governance force', '驻区单位、物业、业委会、社会组织', 'social_mobilisation', 50),
  ('other_forces', '1+4+X', '多元力量（X）', 'Other forces (X)', '志愿者、楼组长、热心居民等多元力量', 'social_mobilisation', 60),
-- "1+6" (003, 建峰社区): 专职网格员 + 干部、退役军人、社会志愿者、物业楼栋长、居民单元长、党员.
  ('dedicated_grid_worker', '1+6', '专职网格员', 'Dedicated grid worker', '“1”：专职网格员，网格工作的纽带', 'own', 10),
  ('cadre', '1+6', '干部', 'Cadre', '社区、街道及包保单位干部', 'street_support', 20),
  ('veteran', '1+6', '退役军人', 'Veteran', NULL, 'social_mobilisation', 30),
  ('social_volunteer', '1+6', '社会志愿者', 'Social volunteer', NULL, 'social_mobilisation', 40),
  ('property_building_leader', '1+6', '物业楼栋长', 'Property building leader', NULL, 'own', 50),
  ('resident_unit_leader', '1+6', '居民单元长', 'Resident unit leader', NULL, 'own', 60),
  ('party_member_force', '1+6', '党员', 'Party member', '退休党员、在职党员进社区报到，发挥“触手”作用', 'social_mobilisation', 70);
