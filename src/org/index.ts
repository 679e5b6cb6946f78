export { UNIT_LEVELS, type UnitDoc, type UnitLevel } from './unit.model';
export { importOrgCsv, onLineageChanged, type ImportReport } from './org-import';
export {
  centralUnit,
  childrenOf,
  DEFAULT_TREE_FILE,
  findUnitByCode,
  findUnitById,
  loadDefaultTreeIfEmpty,
  trailWithin,
  unitInScope,
  unitName,
  unitsByIds,
  unitsByCodes,
  allUnitIds,
  subtreeOf,
} from './org.service';
export { resolveUnit, searchUnits, unitNamed, UNIT_CHOICES_MAX } from './unit-search';
export { emptyPicker, pickerAfterError, unitPicker, unitTyped, type UnitPicker } from './unit-picker';
export { forgetTree, treeChanged, treeCache } from './unit-tree';
export { orgRoutes } from './org.routes';
export { orgFeature } from './feature';
